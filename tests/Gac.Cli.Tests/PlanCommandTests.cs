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

    [Fact]
    public void A_latency_staircase_drops_a_cliff_candidate_from_the_plan()
    {
        using var folder = new TempFolder();
        // One 4096x4096 layer at d* = 1000; the staircase says 1000 is 30% slower than the larger 1008.
        File.WriteAllText(folder.File("layers.json"), """
            { "formatVersion": 1, "name": "cliff", "budget": { "parameters": 8200000 },
              "decisions": [ { "id": "w", "kind": "lowRank", "inFeatures": 4096, "outFeatures": 4096, "target": 1000, "importance": 1 } ] }
            """);
        File.WriteAllText(folder.File("staircase.json"), """
            { "device": "test", "dtype": "fp16", "tokens": 1024, "series": [ { "key": "4096x4096", "points": [
              { "dimension": 984, "milliseconds": 0.098 }, { "dimension": 992, "milliseconds": 0.099 },
              { "dimension": 1000, "milliseconds": 0.13 }, { "dimension": 1008, "milliseconds": 0.1 },
              { "dimension": 1016, "milliseconds": 0.101 } ] } ] }
            """);

        var without = CliRun.Invoke("plan", "--layers", folder.File("layers.json"), "--format", "json");
        var with = CliRun.Invoke("plan", "--layers", folder.File("layers.json"), "--staircase", folder.File("staircase.json"), "--format", "json");

        Assert.Equal(0, without.ExitCode);
        Assert.Equal(0, with.ExitCode);
        Assert.Equal(1000, Chosen(without.Out));
        Assert.NotEqual(1000, Chosen(with.Out));
        Assert.Contains("cliff", with.Out, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Plan_from_a_hugging_face_config_gives_the_paper_style_table_without_weights()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("config.json"), """
            { "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
              "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192,
              "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false }
            """);

        var run = CliRun.Invoke("plan", "--config", folder.File("config.json"), "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(224, totals.GetProperty("decisions").GetInt32());
        Assert.Equal(6_979_321_856, totals.GetProperty("denseParams").GetInt64()); // GAC-METHOD §6
        Assert.True(totals.GetProperty("alignedPercentBefore").GetDouble() <= 10.0);
        Assert.Equal(100.0, totals.GetProperty("alignedPercentAfter").GetDouble());
        Assert.True(totals.GetProperty("plannedParams").GetInt64() <= totals.GetProperty("budget").GetInt64());
    }

    private static long Chosen(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("decisions")[0].GetProperty("chosen").GetInt64();
    }
}
