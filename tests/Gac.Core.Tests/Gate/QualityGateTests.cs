using Gac.Core.Diagnostics;
using Gac.Core.Gate;

namespace Gac.Core.Tests.Gate;

public sealed class QualityGateTests
{
    private static readonly MeasuredOutcome Measured = new(
        SpeedupVsOriginal: new SpeedupMeasurement(1.48, 1.30, 1.60),
        SpeedupVsUnaligned: new SpeedupMeasurement(1.50, 1.10, 1.70),
        CandidateP50Ms: 67.1,
        RelativeError: 0.02,
        Cosine: 0.999,
        OriginalPerplexity: 10.0,
        CandidatePerplexity: 10.4,
        AlignedPercent: 100,
        Parameters: 5_900_000_000);

    [Theory]
    [InlineData("1.2", 1.2, false)]
    [InlineData("20%", 20, true)]
    [InlineData(" 12.5 % ", 12.5, true)]
    public void Thresholds_parse_as_absolute_or_percent(string text, double value, bool isPercent)
        => Assert.Equal(new Threshold(value, isPercent), Threshold.Parse(text));

    [Fact]
    public void A_threshold_that_is_not_a_number_is_GAC5003()
    {
        var error = Assert.Throws<GacException>(() => Threshold.Parse("fast"));

        Assert.Equal("GAC5003", error.Diagnostics[0].Code);
    }

    [Fact]
    public void Percent_speedup_20_means_ratio_at_least_1_2()
    {
        Assert.Equal(1.2, QualityGate.RequiredRatio(Threshold.Parse("20%")), 12);
        Assert.Equal(1.2, QualityGate.RequiredRatio(Threshold.Parse("1.2")), 12);
    }

    [Fact]
    public void All_goals_met_is_accepted_with_one_row_per_requested_goal()
    {
        var goals = new GateGoals(
            MinSpeedupVsOriginal: Threshold.Parse("1.2"),
            MinSpeedupVsUnaligned: Threshold.Parse("20%"),
            MaxP50LatencyMs: 80,
            MaxRelativeError: 0.05,
            MinCosine: 0.99,
            MaxPerplexityIncrease: Threshold.Parse("5%"),
            MinAlignedPercent: 95,
            MaxParameters: 6_000_000_000);

        var verdict = QualityGate.Evaluate(goals, Measured);

        Assert.True(verdict.Accepted, verdict.ToString());
        Assert.Equal(8, verdict.Goals.Count);
        Assert.All(verdict.Goals, g => Assert.Equal(GoalStatus.Passed, g.Status));
    }

    [Fact]
    public void A_gate_without_goals_is_refused_never_accepted()
    {
        var refused = Assert.Throws<GacException>(() => QualityGate.Evaluate(new GateGoals(), Measured));

        Assert.Equal(DiagnosticCatalogue.GateHasNoGoals, Assert.Single(refused.Diagnostics).Descriptor);
        Assert.False(new Verdict([]).Accepted);
    }

    [Fact]
    public void Unrequested_goals_are_not_evaluated()
    {
        var verdict = QualityGate.Evaluate(new GateGoals(MinCosine: 0.5), Measured);

        Assert.Equal(["cosine similarity"], verdict.Goals.Select(g => g.Name));
    }

    [Fact]
    public void A_missed_goal_rejects_and_says_why()
    {
        var verdict = QualityGate.Evaluate(new GateGoals(MaxRelativeError: 0.01, MinCosine: 0.99), Measured);

        Assert.False(verdict.Accepted);
        var failure = Assert.Single(verdict.Failures);
        Assert.Equal("relative error", failure.Name);
        Assert.Equal("0.02 > 0.01", failure.Reason);
    }

    [Theory]
    [InlineData(0.031, 0.03, "passed", "0.03 ≤ 0.031")]
    [InlineData(0.029, 0.03, "failed", "0.03 > 0.029")]
    [InlineData(0.5, double.NaN, "failed", "NaN > 0.5")]
    public void The_block_goal_judges_the_worst_blocks_error_and_a_diverged_block_fails(double limit, double worst, string status, string reason)
    {
        var verdict = QualityGate.Evaluate(new GateGoals(MaxBlockRelativeError: limit), Measured with { WorstBlockRelativeError = worst });

        var goal = Assert.Single(verdict.Goals);
        Assert.Equal("block relative error (worst block, layer-wise)", goal.Name);
        Assert.Equal(status, goal.Status == GoalStatus.Passed ? "passed" : "failed");
        Assert.Equal(reason, goal.Reason);
    }

    [Fact]
    public void The_block_goal_without_a_layer_wise_measurement_is_not_measured_and_fails()
    {
        // Measured holds every end-to-end number: none of them stands in for the worst block's error.
        var verdict = QualityGate.Evaluate(new GateGoals(MaxBlockRelativeError: 10), Measured);

        Assert.Equal(GoalStatus.NotMeasured, Assert.Single(verdict.Goals).Status);
        Assert.False(verdict.Accepted);
    }

    [Fact]
    public void A_requested_goal_without_measurement_is_not_measured_and_fails()
    {
        var verdict = QualityGate.Evaluate(new GateGoals(MaxPerplexityIncrease: Threshold.Parse("0.5")), Measured with { CandidatePerplexity = null });

        var goal = Assert.Single(verdict.Goals);
        Assert.Equal(GoalStatus.NotMeasured, goal.Status);
        Assert.Equal("not measured", goal.Measured);
        Assert.Contains("GAC5002", goal.Reason, StringComparison.Ordinal);
        Assert.False(verdict.Accepted);
    }

    [Fact]
    public void Perplexity_increase_absolute_and_percent_forms()
    {
        // 10.0 → 10.4 is +0.4 absolute and +4 %.
        Assert.True(QualityGate.Evaluate(new GateGoals(MaxPerplexityIncrease: Threshold.Parse("0.5")), Measured).Accepted);
        Assert.False(QualityGate.Evaluate(new GateGoals(MaxPerplexityIncrease: Threshold.Parse("0.3")), Measured).Accepted);
        Assert.True(QualityGate.Evaluate(new GateGoals(MaxPerplexityIncrease: Threshold.Parse("5%")), Measured).Accepted);
        Assert.False(QualityGate.Evaluate(new GateGoals(MaxPerplexityIncrease: Threshold.Parse("3%")), Measured).Accepted);
    }

    [Fact]
    public void Conservative_mode_judges_speedup_by_the_CI_lower_bound()
    {
        // vs unaligned: point estimate 1.50 passes 1.2, but the CI lower bound 1.10 does not.
        var goals = new GateGoals(MinSpeedupVsUnaligned: Threshold.Parse("1.2"));

        Assert.True(QualityGate.Evaluate(goals, Measured).Accepted);
        var conservative = QualityGate.Evaluate(goals with { SpeedupJudgedOn = SpeedupEvidence.CiLower }, Measured);
        Assert.False(conservative.Accepted);
        Assert.True(conservative.Conservative);
        Assert.Contains("95% CI lower bound 1.1×", conservative.Goals[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_slower_judged_on_the_CI_upper_bound_fails_only_when_the_interval_lies_wholly_below_the_goal()
    {
        var notSlower = new GateGoals(MinSpeedupVsUnaligned: Threshold.Absolute(1.0), SpeedupJudgedOn: SpeedupEvidence.CiUpper);

        // Median 0.98 (within noise): the interval [0.95, 1.02] still holds 1.0, so the goal is not refuted.
        var noisy = QualityGate.Evaluate(notSlower, Measured with { SpeedupVsUnaligned = new SpeedupMeasurement(0.98, 0.95, 1.02) });
        // Median 0.90 with [0.88, 0.93]: every plausible ratio is below 1.0, the candidate is slower.
        var slower = QualityGate.Evaluate(notSlower, Measured with { SpeedupVsUnaligned = new SpeedupMeasurement(0.90, 0.88, 0.93) });

        Assert.True(noisy.Accepted);
        Assert.False(slower.Accepted);
        Assert.Contains("95% CI upper bound 0.93×", slower.Goals[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_alignment_and_parameter_limits_are_inclusive()
    {
        var goals = new GateGoals(MaxP50LatencyMs: 67.1, MinAlignedPercent: 100, MaxParameters: 5_900_000_000);

        Assert.True(QualityGate.Evaluate(goals, Measured).Accepted);
        Assert.False(QualityGate.Evaluate(goals, Measured with { Parameters = 5_900_000_001 }).Accepted);
    }
}
