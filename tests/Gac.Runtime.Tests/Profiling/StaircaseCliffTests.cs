using Gac.Core.Hardware;
using Gac.Core.Planning;
using Gac.Runtime.Profiling;

namespace Gac.Runtime.Tests.Profiling;

/// <summary>
/// The planner's use of a profile file, with a synthetic staircase: a CPU staircase shows no
/// alignment cliffs (PLATFORM-NOTES: ORT's fp32 MatMul is flat within noise for r = 1016…1041), so
/// a measured one cannot demonstrate the drop.
/// </summary>
public sealed class StaircaseCliffTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "gac-cliff-" + Guid.NewGuid().ToString("N")[..12] + ".json");

    /// <summary>4096x4096 at d* = 1000 ± 4 steps of 8: 968 … 1032; 1000 is 30% slower than 1008 (a wave-quantization step, GAC paper §3).</summary>
    private static LatencyStaircase Synthetic()
        => new("synthetic GPU", "fp16", 1024,
        [
            new LatencySeries("4096x4096", Enumerable.Range(0, 9).Select(i => 968L + (8 * i)).Select(d => new LatencyPoint(d, d == 1000 ? 0.130 : 0.100
                + (d - 968) * 1e-5)).ToArray()),
        ]);

    [Fact]
    public void A_candidate_slower_than_a_larger_one_in_the_profile_file_is_dropped_as_a_cliff()
    {
        LatencyStaircaseFile.Save(Synthetic(), _path);
        var decision = PlanningDecision.LowRank("model.layers.0.mlp.up_proj", 4096, 4096, targetRank: 1000);

        var without = GacPlanner.Plan(new PlanningProblem("p", [decision], PlanningBudget.SameAsTargets));
        var with = GacPlanner.Plan(new PlanningProblem("p", [decision], PlanningBudget.SameAsTargets),
            new PlannerOptions { Staircase = LatencyStaircase.Load(_path) });

        Assert.Equal(1000, without.Decisions[0].Chosen);
        var plan = with.Decisions[0];
        var cliff = Assert.Single(plan.Dropped);
        Assert.Equal(1000, cliff.Dimension);
        Assert.StartsWith("latency cliff", cliff.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Candidates, c => c.Dimension == 1000);
        Assert.NotEqual(1000, plan.Chosen);
    }

    [Fact]
    public void A_decision_whose_key_the_profile_lacks_is_planned_as_without_a_profile()
    {
        LatencyStaircaseFile.Save(Synthetic(), _path);
        var decision = PlanningDecision.LowRank("other", 4096, 14336, targetRank: 1000);

        var plan = GacPlanner.Plan(new PlanningProblem("p", [decision], PlanningBudget.SameAsTargets),
            new PlannerOptions { Staircase = LatencyStaircase.Load(_path) }).Decisions[0];

        Assert.Empty(plan.Dropped);
        Assert.All(plan.Candidates, c => Assert.Null(c.LatencyMs));
    }

    [Fact]
    public void The_summary_counts_the_points_the_planner_would_drop()
    {
        var summary = SeriesSummary.Of(Synthetic().Series[0], tolerance: 0.02);

        Assert.Equal((9, 968L, 1032L), (summary.Points, summary.MinDimension, summary.MaxDimension));
        Assert.Equal(1, summary.CliffPoints);
        Assert.Equal(0.130, summary.SlowestMs, precision: 12);
    }

    public void Dispose() => File.Delete(_path);
}
