using CsCheck;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class RoundingBaselineTests
{
    private static readonly Gen<(double Target, long Step)> Targets =
        Gen.Select(Gen.Double[1, 4000], Gen.OneOf<long>(8, 16, 32, 64));

    private static PlanningDecision Layer(double target) => PlanningDecision.LowRank("l", 8192, 8192, target);

    [Fact]
    public void None_keeps_the_compressors_integer_dimension()
        => Targets.Sample((t, step) => Assert.Equal((long)Math.Floor(t), RoundingBaseline.Apply(Layer(t), RoundingRule.None, step).Dimension));

    [Fact]
    public void Round_up_is_the_next_multiple_at_or_above_the_target()
        => Targets.Sample((t, step) =>
        {
            var d = RoundingBaseline.Apply(Layer(t), RoundingRule.RoundUp, step).Dimension;
            Assert.Equal(0, d % step);
            Assert.True(d >= t && d - t < step);
        });

    [Fact]
    public void Round_down_is_the_previous_multiple_but_at_least_one_step()
        => Targets.Sample((t, step) =>
        {
            var d = RoundingBaseline.Apply(Layer(t), RoundingRule.RoundDown, step).Dimension;
            Assert.Equal(0, d % step);
            Assert.True(d == step ? t < 2 * step : d <= t && t - d < step);
        });

    [Fact]
    public void Round_nearest_is_within_half_a_step()
        => Targets.Sample((t, step) =>
        {
            var d = RoundingBaseline.Apply(Layer(t), RoundingRule.RoundNearest, step).Dimension;
            Assert.Equal(0, d % step);
            Assert.True(Math.Abs(d - t) <= (step / 2.0) || d == step);
        });

    [Fact]
    public void Round_up_overshoots_the_budget_that_the_targets_defined()
    {
        var problem = ShapeOnlyModels.Llama3Asvd8B(0.15) with { Budget = PlanningBudget.SameAsTargets };
        var report = GacPlanner.Plan(problem);
        var up = report.Baselines.Single(b => b.Rule == RoundingRule.RoundUp);
        var down = report.Baselines.Single(b => b.Rule == RoundingRule.RoundDown);
        Assert.False(up.WithinBudget);
        Assert.True(up.BudgetOvershoot > 0);
        Assert.True(down.WithinBudget);
        Assert.Equal(100.0, up.AlignedPercent);
        Assert.Contains("ASVD rank_align", up.LikeTools);
        Assert.Contains("Torch-Pruning", down.LikeTools);
    }
}
