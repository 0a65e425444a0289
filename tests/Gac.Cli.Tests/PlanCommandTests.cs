using System.Text.Json;

namespace Gac.Cli.Tests;

public sealed class PlanCommandTests
{
    private static readonly string LlamaLayers = RepositoryFiles.Path("examples", "plans", "llama3-8b-asvd-15.json");

    [Fact]
    public void Shape_only_llama_plan_is_fully_aligned_and_within_budget()
    {
        var run = CliRun.Invoke("plan", "--layers", LlamaLayers, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var decisions = json.RootElement.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(224, decisions.Count);
        var totals = json.RootElement.GetProperty("totals");
        var planned = totals.GetProperty("plannedParams").GetInt64();
        var budget = totals.GetProperty("budget").GetInt64();
        Assert.True(planned <= budget, $"planned {planned} > budget {budget}");
        Assert.Equal(100.0, totals.GetProperty("alignedPercentAfter").GetDouble(), precision: 9);
        Assert.True(totals.GetProperty("alignedPercentBefore").GetDouble() <= 10.0); // GAC-METHOD §6: ≥ 90% misaligned
    }

    [Fact]
    public void Text_plan_shows_gac_beside_the_rounding_baselines()
    {
        var run = CliRun.Invoke("plan", "--layers", LlamaLayers, "--rows", "5");

        Assert.Equal(0, run.ExitCode);
        foreach (var name in new[] { "gac", "none", "round-up", "round-nearest", "round-down" })
        {
            Assert.Matches($@"(?m)^{name}\s", run.Out);
        }
    }

    [Fact]
    public void Plan_without_spec_or_layers_is_bad_input()
    {
        var run = CliRun.Invoke("plan");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("GAC9002", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_layers_file_is_bad_input_with_a_planning_code()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("layers.json"), "{ \"formatVersion\": 1, \"decisions\": [ ] ");

        var run = CliRun.Invoke("plan", "--layers", folder.File("layers.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Matches(@"error GAC2\d{3}", run.Error);
        Assert.True(run.HasNoStackTrace, run.Error);
    }
}
