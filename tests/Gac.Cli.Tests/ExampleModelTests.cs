namespace Gac.Cli.Tests;

public sealed class ExampleModelTests
{
    [Fact]
    public void The_bundled_example_model_is_what_its_documented_command_generates()
    {
        using var folder = new TempFolder();
        var regenerated = folder.File("tiny-transformer.onnx");

        // The command documented in examples/models/README.md.
        var run = CliRun.Invoke(
            "synth", regenerated, "--hidden", "128", "--heads", "4", "--intermediate", "344", "--blocks", "4",
            "--spectral-decay", "0.8", "--outlier-channels", "4", "--seed", "2604");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--spectral-decay 0.8 --outlier-channels 4 --seed 2604", File.ReadAllText(RepositoryFiles.Path("examples", "models", "README.md")),
            StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(RepositoryFiles.Path("examples", "models", "tiny-transformer.onnx")), File.ReadAllBytes(regenerated));
    }

    [Theory]
    [InlineData("csproj-gac")]
    [InlineData("language-model")]
    public void The_example_specs_pass_check(string example)
    {
        var run = CliRun.Invoke("check", RepositoryFiles.Path("examples", example, "gac.yaml"));

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void The_language_model_prune_spec_passes_check_at_the_asvd_specs_ratio()
    {
        var prune = File.ReadAllText(RepositoryFiles.Path("examples", "language-model", "gac-prune.yaml"));
        var asvd = File.ReadAllText(RepositoryFiles.Path("examples", "language-model", "gac.yaml"));

        var run = CliRun.Invoke("check", RepositoryFiles.Path("examples", "language-model", "gac-prune.yaml"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ratio: 0.15", prune, StringComparison.Ordinal);
        Assert.Contains("ratio: 0.15", asvd, StringComparison.Ordinal);
    }
}
