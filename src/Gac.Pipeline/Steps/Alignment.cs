using Gac.Core.Hardware;
using Gac.Core.Planning;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 4: re-select aligned dims under the same budget (GAC's knapsack), or apply a named rounding
/// baseline, or keep the compressor's dims. The unaligned variant always keeps the compressor's dims
/// so validation can measure what alignment bought.
/// </summary>
public static class Alignment
{
    public static AlignedPlan Choose(RunContext run, UnconstrainedPlan unconstrained)
    {
        var strategy = SpecEnumText.ToText(run.Spec.Alignment.Strategy);
        if (unconstrained.IsEmpty)
        {
            var none = new Dictionary<string, int?>();
            return new AlignedPlan(unconstrained, null, strategy, none, none);
        }

        var options = new PlannerOptions
        {
            Profile = run.Profile,
            WindowSteps = run.Spec.Alignment.Window,
            Objective = run.Spec.Alignment.Objective switch
            {
                AlignmentObjective.Paper => PlanObjectiveKind.Paper,
                AlignmentObjective.Spectrum => PlanObjectiveKind.Spectrum,
                _ => PlanObjectiveKind.Auto,
            },
            Staircase = run.Spec.Alignment.Staircase is { } staircase ? LatencyStaircase.Load(staircase.FullPath) : null,
        };
        var report = GacPlanner.Plan(unconstrained.Problem!, options);
        var decisions = unconstrained.Problem!.Decisions;
        var unaligned = Ranks(decisions, Baseline(report, RoundingRule.None));
        var aligned = run.Spec.Alignment.Strategy switch
        {
            AlignmentStrategy.Gac => report.Decisions.ToDictionary(d => d.Id, d => d.ChosenIsDense ? (int?)null : (int)d.Chosen, StringComparer.Ordinal),
            AlignmentStrategy.RoundUp => Ranks(decisions, Baseline(report, RoundingRule.RoundUp)),
            AlignmentStrategy.RoundNearest => Ranks(decisions, Baseline(report, RoundingRule.RoundNearest)),
            AlignmentStrategy.RoundDown => Ranks(decisions, Baseline(report, RoundingRule.RoundDown)),
            _ => unaligned,
        };

        run.Report("align", $"{strategy}: {report.Totals.AlignedPercentBefore:0.#}% → {report.Totals.AlignedPercentAfter:0.#}% of decisions aligned to multiples of {report.Settings.Multiple}; {report.Totals.PlannedParams:N0} params, budget {report.Totals.Budget:N0}");
        return new AlignedPlan(unconstrained, report, strategy, unaligned, aligned);
    }

    private static IReadOnlyList<long> Baseline(PlanReport report, RoundingRule rule)
        => report.Baselines.Single(b => b.Rule == rule).Dimensions;

    /// <summary>A rank that would store as many weights as the dense layer keeps the layer dense.</summary>
    private static Dictionary<string, int?> Ranks(IReadOnlyList<PlanningDecision> decisions, IReadOnlyList<long> dims)
        => decisions.Zip(dims, (d, dim) => (d.Id, Rank: dim >= d.MaxDimension || d.ParamsAt(dim) >= d.DenseParams ? (int?)null : (int)dim))
            .ToDictionary(x => x.Id, x => x.Rank, StringComparer.Ordinal);
}
