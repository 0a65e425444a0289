namespace Gac.Cli.Tests;

/// <summary>Issue 13 items 1 and 7 through the command line: run's outputs never replace its inputs.</summary>
public sealed class RunOutputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("--output", "model.onnx")]
    [InlineData("--output", "gac.yaml")]
    [InlineData("--report-dir", "reports.txt")]
    public void Run_refuses_an_output_that_is_an_input_or_a_report_dir_that_is_a_file_with_exit_2_and_a_code(string option, string value)
    {
        Assert.Equal(0, CliRun.InDirectory(_folder.Path, "synth", "model.onnx", "--hidden", "64", "--heads", "4", "--intermediate", "128", "--blocks",
            "1").ExitCode);
        File.WriteAllText(_folder.File("reports.txt"), "a file");
        File.WriteAllText(_folder.File("gac.yaml"), """
            version: 1
            model:
              path: model.onnx
            calibration:
              samples: 2
              dims: { batch: 1, seq: 8 }
            compress:
              method: svd
              ratio: 0.3
            export:
              path: out/model.gac.onnx
            validation:
              provider: cpu
            gate:
              min_cosine: 0.1
            """);
        var before = Directory.GetFiles(_folder.Path).ToDictionary(f => f, File.ReadAllBytes);

        var run = CliRun.InDirectory(_folder.Path, "run", "gac.yaml", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option == "--output" ? "error GAC5023" : "error GAC5024", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace, run.Error);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.False(Directory.Exists(_folder.File("out")));
    }
}
