namespace Gac.Cli.Tests;

/// <summary>`gac-build sweep`: bad ratios and a ratio ASVD cannot reach are refused before any work (exit 2, GAC code, no stack trace).</summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("0.1,abc", "GAC0090: --ratios: 'abc' is not a number")]
    [InlineData("0.1,1.2", "GAC0090: --ratios: 1.2 is not a compression ratio in (0, 1)")]
    [InlineData("0.1,0.1", "GAC0090: --ratios: 0.1 is given 2 times")]
    [InlineData("0.1,0.95", "GAC2001: compress.ratio 0.95 asks ASVD to keep")]
    public void Ratios_that_are_not_sweepable_are_refused_with_a_code(string ratios, string expected)
    {
        WriteSpec();

        var run = CliRun.InDirectory(_folder.Path, "sweep", "gac.yaml", "--ratios", ratios);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace, run.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "out")), "nothing is written for a refused sweep");
    }

    [Fact]
    public void The_help_lists_the_sweep_and_its_options()
    {
        var run = CliRun.Invoke("sweep", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--ratios", run.Out, StringComparison.Ordinal);
        Assert.Contains("--out", run.Out, StringComparison.Ordinal);
    }

    private void WriteSpec()
    {
        var model = RepositoryFiles.Path("examples", "models", "tiny-llama");
        File.WriteAllText(_folder.File("gac.yaml"), $"""
            version: 1
            model:
              path: {model}
            calibration:
              samples: 2
              text: {System.IO.Path.Combine(model, "heldout.txt")}
              dims: {"{"} batch: 1, seq: 32 {"}"}
            compress:
              method: asvd
              ratio: 0.15
            export:
              path: out/model.onnx
            gate:
              min_aligned_percent: 100
            """);
    }
}
