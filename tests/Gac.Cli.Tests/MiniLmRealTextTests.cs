using System.Diagnostics;
using System.Text.Json;

namespace Gac.Cli.Tests;

/// <summary>
/// The real MiniLM sentence encoder calibrated and validated on real English sentences
/// (examples/minilm/sentences.txt) through its own vocab.txt: `run` ends with a verdict (0 or 1),
/// never a bad-input or internal error, and reports sentence similarity on held-out sentences.
/// </summary>
public sealed class MiniLmRealTextTests
{
    [Fact]
    public void Run_on_real_sentences_exits_with_a_verdict_and_reports_mean_pooled_similarity_on_held_out_sentences()
    {
        using var folder = new TempFolder();
        var minilm = MiniLmFolder();
        var spec = folder.File("gac.yaml");
        File.WriteAllText(spec, $"""
            version: 1
            model:
              path: {Path.Combine(minilm, "model.onnx")}
            calibration:
              text: {RepositoryFiles.Path("examples", "minilm", "sentences.txt")}
              tokenizer: {Path.Combine(minilm, "vocab.txt")}
              samples: 2
              dims: {"{"} batch: 8, sequence: 48 {"}"}
            compress:
              method: prune
              ratio: 0.15
              prune: {"{"} targets: [mlp] {"}"}
            export:
              path: out/minilm.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 3
              heldout_samples: 2
            gate:
              min_cosine: 0.5
            report:
              formats: [json]
            """);

        var run = CliRun.Invoke("run", spec);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.Contains("sentences  mean pooling", run.Out, StringComparison.Ordinal);
        var report = JsonDocument.Parse(File.ReadAllText(folder.File(Path.Combine("out", "gac.report.json")))).RootElement;
        foreach (var variant in new[] { "fidelity", "fidelityUnaligned" })
        {
            var fidelity = report.GetProperty(variant);
            Assert.Equal("mean", fidelity.GetProperty("pooling").GetString());
            Assert.Equal(2, fidelity.GetProperty("samples").GetInt32());
            // Pruning 15% of a trained encoder's MLP channels keeps sentence vectors close (about 0.95
            // measured); a tokenization or pooling bug (ids out of place, padding counted) lands far lower.
            Assert.InRange(fidelity.GetProperty("sentenceCosine").GetDouble(), 0.8, 1.0);
        }
    }

    [Fact]
    public void The_minilm_example_spec_passes_check()
    {
        MiniLmFolder();

        var run = CliRun.Invoke("check", RepositoryFiles.Path("examples", "minilm", "gac.yaml"));

        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Fact]
    public void Bench_with_a_text_spec_times_the_held_out_sentences_and_refuses_text_with_none_left()
    {
        using var folder = new TempFolder();
        var minilm = MiniLmFolder();
        var spec = folder.File("gac.yaml");
        var text = folder.File("few.txt");
        File.WriteAllLines(text, File.ReadLines(RepositoryFiles.Path("examples", "minilm", "sentences.txt")).Take(12));
        File.WriteAllText(spec, $"""
            version: 1
            model:
              path: {Path.Combine(minilm, "model.onnx")}
            calibration:
              text: {text}
              tokenizer: {Path.Combine(minilm, "vocab.txt")}
              samples: 2
              dims: {"{"} batch: 4, sequence: 40 {"}"}
            compress:
              method: svd
              ratio: 0.15
            export:
              path: out/minilm.onnx
            """);

        // 12 sentences: calibration takes 2 batches of 4, the held-out part is the last 4.
        var run = CliRun.Invoke("bench", Path.Combine(minilm, "model.onnx"), "--spec", spec, "--provider", "cpu", "--warmup", "0", "--iterations", "2",
            "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("[batch=4,sequence=40] p50", run.Out, StringComparison.Ordinal);

        File.WriteAllLines(text, File.ReadLines(RepositoryFiles.Path("examples", "minilm", "sentences.txt")).Take(8));
        var short_ = CliRun.Invoke("bench", Path.Combine(minilm, "model.onnx"), "--spec", spec, "--provider", "cpu", "--warmup", "0", "--iterations", "2");
        Assert.Equal(2, short_.ExitCode);
        Assert.Contains("GAC4041", short_.Error, StringComparison.Ordinal);
        Assert.True(short_.HasNoStackTrace, short_.Error);
    }

    private static string MiniLmFolder()
    {
        var folder = Path.Combine(RepositoryFiles.Root, ".cache", "models", "minilm");
        if (!File.Exists(Path.Combine(folder, "vocab.txt")))
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root, "build",
                "fetch-test-models.sh")])
            { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0 && File.Exists(Path.Combine(folder, "vocab.txt")), $"build/fetch-test-models.sh failed: {error}");
        }

        return folder;
    }
}
