using Gac.Core.Hardware;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class PlanReportTests
{
    private static PlanReport Report()
    {
        var curve = ErrorCurve.FromDense(Enumerable.Range(0, 257).Select(r => Math.Sqrt(256 - r)).ToArray());
        var problem = new PlanningProblem(
            "small",
            [
                PlanningDecision.LowRank("model.layers.0.self_attn.q_proj_with_a_long_name", 256, 256, 101.3, errorCurve: curve),
                PlanningDecision.MlpChannels("mlp", 1000, 768, 901.7, errorCurve: ErrorCurve.FromPoints([0, 1000], [5, 0])),
            ],
            PlanningBudget.SameAsTargets);
        return GacPlanner.Plan(problem);
    }

    [Fact]
    public void The_report_round_trips_through_JSON()
    {
        var report = Report();
        var json = report.ToJson();
        Assert.Contains("\"objective\": \"spectrum\"", json);
        Assert.Contains("\"status\": \"Aligned\"", json);
        var back = PlanReport.FromJson(json);
        Assert.Equal(report.Totals, back.Totals);
        Assert.Equal(report.Decisions.Select(d => d.Chosen), back.Decisions.Select(d => d.Chosen));
        Assert.Equal(report.Baselines.Select(b => b.Params), back.Baselines.Select(b => b.Params));
    }

    [Fact]
    public void The_text_rendering_fits_80_columns_and_shows_baselines()
    {
        var text = PlanTextRenderer.Render(Report());
        Assert.All(text.Split(Environment.NewLine), line => Assert.True(line.Length <= PlanTextRenderer.Width, $"{line.Length}: {line}"));
        Assert.Contains("round-up", text);
        Assert.Contains("…", text); // the long id is shortened from the left
        Assert.Contains("aligned", text);
    }

    [Fact]
    public void A_latency_staircase_survives_JSON()
    {
        var staircase = new LatencyStaircase("NVIDIA A100-SXM4-80GB", "fp16", 1024, [new LatencySeries("4096x4096", [new(107, 0.089), new(112, 0.050)])]);
        var back = LatencyStaircase.FromJson(staircase.ToJson());
        Assert.Equal(staircase.Device, back.Device);
        Assert.Equal(0.050, back.Find("4096x4096")!.At(112));
        Assert.Null(back.Find("4096x4096")!.At(113));
    }

    [Fact]
    public void A_staircase_with_a_negative_latency_is_GAC2020()
    {
        const string json = """{ "device": "x", "dtype": "fp16", "tokens": 1, "series": [ { "key": "a", "points": [ { "dimension": 8,""" +
            """ "milliseconds": -1 } ] } ] }""";
        var error = Assert.Throws<Gac.Core.Diagnostics.GacException>(() => LatencyStaircase.FromJson(json));
        Assert.Equal("GAC2020", error.Diagnostics[0].Code);
    }
}
