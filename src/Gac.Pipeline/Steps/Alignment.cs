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
    /// <param name="candidates">How many aligned plans the run will build and measure (<see cref="PlanMeasurement.Candidates"/>); 1 plans by the objective
    /// alone.</param>
    public static AlignedPlan Choose(RunContext run, UnconstrainedPlan unconstrained, int candidates = 1)
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
            Alternatives = run.Spec.Alignment.Strategy == AlignmentStrategy.Gac ? candidates - 1 : 0,
        };
        var decisions = unconstrained.Problem.Decisions;
        var proxy = GacPlanner.Plan(unconstrained.Problem, options);
        var gac = run.Spec.Alignment.Strategy == AlignmentStrategy.Gac;
        var measured = unconstrained.MeasuredProblem is { } problem && gac ? PlanMeasured(run, problem, options) : null;
        // The in-plan view's optimum is one more plan to measure; its near-equal plans would crowd out the others.
        var inPlan = unconstrained.MeasuredInPlanProblem is { } moved && gac ? PlanMeasured(run, moved, options with { Alternatives = 0 }) : null;
        var report = measured ?? inPlan ?? proxy;
        var unaligned = Ranks(decisions, Baseline(proxy, RoundingRule.None));
        var aligned = run.Spec.Alignment.Strategy switch
        {
            AlignmentStrategy.Gac => Chosen(report),
            AlignmentStrategy.RoundUp => Ranks(decisions, Baseline(proxy, RoundingRule.RoundUp)),
            AlignmentStrategy.RoundNearest => Ranks(decisions, Baseline(proxy, RoundingRule.RoundNearest)),
            AlignmentStrategy.RoundDown => Ranks(decisions, Baseline(proxy, RoundingRule.RoundDown)),
            _ => unaligned,
        };

        run.Report("align", $"{strategy}: {report.Totals.AlignedPercentBefore:0.#}% → {report.Totals.AlignedPercentAfter:0.#}% of decisions aligned to " +
            $"multiples of {report.Settings.Multiple}; {report.Totals.PlannedParams:N0} params, budget {report.Totals.Budget:N0}");
        // Measured plans first (their near-equal alternatives too), then the compressor's own objective and its alternatives.
        var plans = new List<PlanCandidate>();
        if (measured is not null)
        {
            plans.Add(new PlanCandidate("measured", "minimum of the summed squared output errors measured with each layer alone at the aligned dims beside " +
                "d* (±1 step)", aligned, measured.Totals.ObjectiveValue));
        }

        if (inPlan is not null)
        {
            plans.Add(new PlanCandidate("measured-in-plan", "minimum of the summed squared output errors measured with each layer at the aligned dims " +
                "beside d* (±1 step) and the others at d*", Chosen(inPlan), inPlan.Totals.ObjectiveValue));
        }

        plans.Add(new PlanCandidate(proxy.Settings.Objective, $"the {proxy.Settings.Objective} objective's optimum (±{options.WindowSteps} steps)",
            Chosen(proxy), proxy.Totals.ObjectiveValue));
        var proxyAlternatives = proxy.Alternatives.Select(a => new PlanCandidate(a.Name, a.Origin, Ranks(decisions, a.Dimensions, a.Dense), a.Objective))
            .ToList();
        plans.AddRange(proxyAlternatives.Where(a => a.Name == "least-movement"));
        plans.AddRange((measured?.Alternatives ?? []).Select(a => new PlanCandidate(
            a.Name.Replace("near-spectrum", "near-measured", StringComparison.Ordinal), a.Origin.Replace("spectrum", "measured", StringComparison.Ordinal),
                Ranks(decisions, a.Dimensions, a.Dense), a.Objective)));
        plans.AddRange(proxyAlternatives.Where(a => a.Name != "least-movement"));
        plans = plans
            .DistinctBy(c => string.Join(",", decisions.Select(d => c.Ranks[d.Id]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense")))
            .Take(run.Spec.Alignment.Strategy != AlignmentStrategy.Gac ? 1 : measured is null && inPlan is null ? candidates : InitialPool(candidates))
            .ToList();
        if (run.Spec.Alignment.Strategy != AlignmentStrategy.Gac)
        {
            plans = [new PlanCandidate(strategy, $"the {strategy} rule", aligned, null)];
        }
        else if (plans.Count > 1)
        {
            run.Report("align", $"{plans.Count} aligned plans to measure on calibration data: {string.Join(", ", plans.Select(c => c.Name))}");
        }

        return new AlignedPlan(unconstrained, report, strategy, unaligned, plans[0].Ranks, plans) { SearchSpace = measured ?? inPlan };
    }

    /// <summary>With a measured search space, half of the plans to measure start the search; the local search around the best takes the rest.</summary>
    internal static int InitialPool(int candidates) => Math.Max(1, (candidates + 1) / 2);

    /// <summary>The measured problem's optimum, or null (said in the progress) when no ±1-step plan fits the budget.</summary>
    private static PlanReport? PlanMeasured(RunContext run, PlanningProblem problem, PlannerOptions options)
    {
        try
        {
            // Only near-equal alternatives: the other objectives have no meaning on measured curves.
            return GacPlanner.Plan(problem,
                options with { WindowSteps = 1, Objective = PlanObjectiveKind.Spectrum, Alternatives = options.Alternatives, NearEqualOnly = true });
        }
        catch (Core.Diagnostics.GacException e) when (e.Diagnostics.All(d => d.Descriptor == Core.Diagnostics.DiagnosticCatalogue.PlanInfeasible))
        {
            run.Report("align", "no plan of the measured ±1-step dims fits the budget; the objective's plans are measured instead");
            return null;
        }
    }

    private static Dictionary<string, int?> Chosen(PlanReport report)
        => report.Decisions.ToDictionary(d => d.Id, d => d.ChosenIsDense ? (int?)null : (int)d.Chosen, StringComparer.Ordinal);

    private static Dictionary<string, int?> Ranks(IReadOnlyList<PlanningDecision> decisions, IReadOnlyList<long> dims, IReadOnlyList<bool> dense)
    {
        var ranks = Ranks(decisions, dims);
        for (var i = 0; i < decisions.Count; i++)
        {
            if (dense[i])
            {
                ranks[decisions[i].Id] = null;
            }
        }

        return ranks;
    }

    private static IReadOnlyList<long> Baseline(PlanReport report, RoundingRule rule)
        => report.Baselines.Single(b => b.Rule == rule).Dimensions;

    /// <summary>A rank that would store as many weights as the dense layer keeps the layer dense.</summary>
    private static Dictionary<string, int?> Ranks(IReadOnlyList<PlanningDecision> decisions, IReadOnlyList<long> dims)
        => decisions.Zip(dims, (d, dim) => (d.Id, Rank: dim >= d.MaxDimension || d.ParamsAt(dim) >= d.DenseParams ? (int?)null : (int)dim))
            .ToDictionary(x => x.Id, x => x.Rank, StringComparer.Ordinal);
}
