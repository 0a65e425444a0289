using System.Text.Json;
using Gac.Core.Reports;

namespace Gac.Cli.Tests;

/// <summary>
/// The CI split through the command line, each stage its own gac-build process (as in two CI jobs):
/// <c>run --stage compress</c> writes a bundle, <c>validate</c> reaches the verdict and report content
/// <c>run</c> reaches; a damaged bundle is exit 2 with its code.
/// </summary>
public sealed class StagedRunTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Compress_and_validate_in_separate_processes_give_runs_verdict_and_report_content()
    {
        WriteModelAndSpec();
        var whole = await Tool("run", "gac.yaml", "--format", "json");
        Assert.Equal(0, whole.ExitCode);
        var expected = ReportJson.Deserialize(whole.Out);
        File.Delete(_folder.File("out/model.gac.onnx"));

        var compress = await Tool("run", "gac.yaml", "--stage", "compress", "--bundle", "bundle");
        Assert.Equal(0, compress.ExitCode);
        Assert.Contains("next       gac-build validate bundle", compress.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("out/model.gac.onnx")), "the compress stage publishes nothing");
        var validate = await Tool("validate", "bundle", "--format", "json");

        Assert.Equal(0, validate.ExitCode);
        Assert.True(File.Exists(_folder.File("out/model.gac.onnx")));
        var actual = ReportJson.Deserialize(validate.Out);
        Assert.Equal(Json(expected.Plan), Json(actual.Plan));
        Assert.Equal(Json(expected.Fidelity), Json(actual.Fidelity));
        Assert.Equal(Json(expected.FidelityUnaligned), Json(actual.FidelityUnaligned));
        Assert.Equal(Json(expected.Compression), Json(actual.Compression));
        Assert.Equal(Json(expected.Inputs), Json(actual.Inputs));
        Assert.Equal(expected.Gate.Verdict, actual.Gate.Verdict);
        Assert.Equal(expected.Gate.Goals.Select(g => (g.Name, g.Status)), actual.Gate.Goals.Select(g => (g.Name, g.Status)));
    }

    [Fact]
    public async Task A_tampered_bundle_is_exit_2_with_GAC1803_and_nothing_is_published()
    {
        WriteModelAndSpec();
        Assert.Equal(0, (await Tool("run", "gac.yaml", "--stage", "compress", "--bundle", "bundle")).ExitCode);
        var candidate = Directory.GetFiles(_folder.File("bundle/candidate")).First(f => f.EndsWith(".onnx", StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(candidate);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(candidate, bytes);

        var validate = await Tool("validate", "bundle");

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("error GAC1803", validate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", validate.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("out")) && File.Exists(_folder.File("out/model.gac.onnx")));
    }

    [Theory]
    [InlineData("--provider", "cpu")]
    [InlineData("--output", "elsewhere.onnx")]
    public void Validate_stage_options_given_to_the_compress_stage_are_refused_not_ignored(string option, string value)
    {
        WriteModelAndSpec();
        var run = CliRun.InDirectory(_folder.Path, "run", "gac.yaml", "--stage", "compress", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9002", run.Error, StringComparison.Ordinal);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("out/gac-bundle")));
    }

    [Fact]
    public void A_bundle_folder_without_the_compress_stage_is_refused()
    {
        WriteModelAndSpec();
        var run = CliRun.InDirectory(_folder.Path, "run", "gac.yaml", "--bundle", "bundle");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9002", run.Error, StringComparison.Ordinal);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ReportJson.Options);

    private void WriteModelAndSpec()
    {
        Assert.Equal(0, CliRun.InDirectory(_folder.Path, "synth", "model.onnx", "--hidden", "64", "--heads", "4", "--intermediate", "160", "--blocks",
            "2").ExitCode);
        File.WriteAllText(_folder.File("gac.yaml"), """
            version: 1
            model:
              path: model.onnx
            calibration:
              samples: 2
              dims: { batch: 1, seq: 16 }
            compress:
              method: asvd
              ratio: 0.3
            export:
              path: out/model.gac.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 3
              heldout_samples: 2
            report:
              directory: out
            gate:
              min_cosine: 0.5
            """);
    }

    /// <summary>gac-build as its own process, as a CI job runs it.</summary>
    private Task<CliRun> Tool(params string[] arguments) => ToolProcess.RunAsync(_folder.Path, null, arguments);
}
