using Gac.Onnx.Synthetic;

namespace Gac.Cli.Tests;

/// <summary>
/// The gate never accepts vacuously: the starter spec from `init` carries goals that fit the model,
/// and a spec whose gate has none is refused by `check` and `run` alike (GAC0070).
/// </summary>
public sealed class GateTruthTests
{
    private static string TinyLlama => RepositoryFiles.Path("examples", "models", "tiny-llama");

    [Fact]
    public void The_trained_language_model_compressed_at_ratio_0_8_is_rejected_by_the_starter_gate()
    {
        using var folder = new TempFolder();
        var init = CliRun.InDirectory(folder.Path, "init", "--model", TinyLlama, "--tokens", Path.Combine(TinyLlama, "heldout.tokens"), "--provider", "cpu");
        Assert.Equal(0, init.ExitCode);
        // Only the ratio changes, and the latency sample count shrinks to keep the test short.
        var spec = File.ReadAllText(folder.File("gac.yaml"));
        Assert.Contains("max_perplexity_increase: \"5%\"", spec, StringComparison.Ordinal);
        File.WriteAllText(folder.File("gac.yaml"), spec
            .Replace("ratio: 0.15 ", "ratio: 0.8  ", StringComparison.Ordinal)
            .Replace("warmup: 10", "warmup: 1", StringComparison.Ordinal)
            .Replace("iterations: 100", "iterations: 3", StringComparison.Ordinal));

        var run = CliRun.InDirectory(folder.Path, "run", "gac.yaml", "--format", "json");

        // Perplexity per byte goes from about 5.9 to about 100 at ratio 0.8 (measured; README of the model).
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"error GAC5001: gate goal perplexity increase failed: increase \+\d{3,}(\.\d+)?% > 5%", run.Error);
        Assert.False(File.Exists(folder.File(Path.Combine("out", "tiny-llama.gac.onnx"))));
        Assert.Contains("\"verdict\": \"rejected\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gate_without_goals_is_refused_by_check_and_by_run_before_any_work()
    {
        using var folder = new TempFolder();
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("model.onnx"));
        File.WriteAllText(folder.File("gac.yaml"), """
            version: 1
            model: { path: model.onnx }
            calibration: { dims: { seq: 8 } }
            compress: { method: asvd, ratio: 0.15 }
            export: { path: out/model.gac.onnx }
            """);

        var check = CliRun.InDirectory(folder.Path, "check", "gac.yaml");
        var run = CliRun.InDirectory(folder.Path, "run", "gac.yaml");

        foreach (var result in new[] { check, run })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("gac.yaml: error GAC0070: the gate has no goals", result.Error, StringComparison.Ordinal);
            Assert.True(result.HasNoStackTrace, result.Error);
        }

        Assert.DoesNotContain("accepted", run.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Init_in_an_empty_folder_writes_a_starter_for_the_model_still_to_come()
    {
        using var folder = new TempFolder();

        var init = CliRun.InDirectory(folder.Path, "init");

        Assert.Equal(0, init.ExitCode);
        Assert.Contains("put your .onnx model at model.onnx", init.Out, StringComparison.Ordinal);
        Assert.Contains("path: \"model.onnx\"", File.ReadAllText(folder.File("gac.yaml")), StringComparison.Ordinal);
        // Once the model is there, check reads its header and names the dims the starter could not know.
        SyntheticTransformer.Write(new SyntheticTransformerOptions(), folder.File("model.onnx"));
        var check = CliRun.InDirectory(folder.Path, "check", "gac.yaml");
        Assert.Equal(2, check.ExitCode);
        Assert.Contains("error GAC4005: calibration.dims gives no value for dim 'seq'", check.Error, StringComparison.Ordinal);
        Assert.Contains("seq (hidden_states axis 1)", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_on_a_hugging_face_folder_gates_the_language_model_on_its_logits_until_token_ids_are_given()
    {
        using var folder = new TempFolder();

        var init = CliRun.InDirectory(folder.Path, "init", "--model", TinyLlama);
        var spec = File.ReadAllText(folder.File("gac.yaml"));
        var check = CliRun.InDirectory(folder.Path, "check", "gac.yaml");

        Assert.Equal(0, init.ExitCode);
        Assert.Contains("pass --tokens", init.Out, StringComparison.Ordinal);
        Assert.Contains("\n  min_cosine: 0.99", spec, StringComparison.Ordinal);
        Assert.Contains("\n  # max_perplexity_increase:", spec, StringComparison.Ordinal);
        Assert.Contains("dims: { batch: 1, seq: 128 }", spec, StringComparison.Ordinal);
        Assert.True(check.ExitCode == 0, check.Error);
    }

    [Fact]
    public void Check_states_the_ratio_as_a_share_of_the_compressible_layers_and_of_the_whole_model()
    {
        var run = CliRun.Invoke("check", RepositoryFiles.Path("examples", "language-model", "gac.yaml"));

        // tiny-llama (config.json): 4 blocks of q 128x128, k and v 128x64, o 128x128, gate and up 128x352, down 352x128.
        const long compressible = 4 * ((128 * 128) + (2 * 128 * 64) + (128 * 128) + (3 * 128 * 352));
        // Every tensor is F32: the data section after the 8-byte length and the JSON header, 4 bytes a parameter.
        var bytes = File.ReadAllBytes(Path.Combine(TinyLlama, "model.safetensors"));
        var total = (bytes.LongLength - 8 - BitConverter.ToInt64(bytes, 0)) / 4;
        var removed = 0.15 * compressible;
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("removing 15% of the compressible linear-layer parameters", run.Out, StringComparison.Ordinal);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{removed:N0} of the model's {total:N0} parameters " +
            $"({removed / total * 100:0.#}%)"), run.Out, StringComparison.Ordinal);
    }
}
