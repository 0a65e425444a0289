using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5b: choose the aligned plan by measurement. Per-layer objectives are models of the output
/// error (a layer's share of spectral energy or importance does not say how much the rest of the
/// network amplifies it, and measured single-layer errors do not add up exactly), so plans the
/// objective ranks nearly equal can differ in output error. Each candidate model runs on the
/// calibration inputs — never the held-out ones validation uses — and the one whose output is
/// nearest the original's (lowest perplexity for a language model) becomes the gac variant. With a
/// measured search space, the rest of <c>alignment.candidates</c> goes to a local search: the moves
/// the objective is least sure are worse, from the best plan measured so far, a few at a time. The
/// compressor's unaligned model is measured alongside so the report can show both. Models are
/// loaded one at a time.
/// </summary>
public static class PlanSelectionStep
{
    /// <summary>Neighbours written (one pass over the layers) and measured per search round.</summary>
    private const int Round = 4;

    /// <summary>Whether <see cref="Choose"/> writes plans of its own (a local search) after the apply step's candidates.</summary>
    internal static bool Searches(AlignedPlan plan, int budget) => plan.SearchSpace is not null && budget > plan.AllCandidates.Count;

    public static (AlignedPlan Plan, ModelVariants Variants) Choose(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, AlignedPlan plan, ModelVariants variants,
            CalibrationProbe probe, int budget)
    {
        var candidates = plan.AllCandidates;
        if (variants.Candidates.Count <= 1 && (plan.SearchSpace is null || budget <= 1))
        {
            return (plan, variants with { Candidates = [] });
        }

        var metric = probe.Metric;
        var unaligned = probe.Quality(probe.Measure(variants.Unaligned, ModelVariant.UnalignedName));
        var measured = new List<(PlanCandidate Plan, ModelVariant Model, double Value)>();
        void Measure(PlanCandidate candidate, ModelVariant variant)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var value = probe.Quality(probe.Measure(variant, $"{ModelVariant.AlignedName} ({candidate.Name})"));
            measured.Add((candidate, variant, value));
            run.Report("select", $"plan {candidate.Name} ({Dims(candidate.Ranks)}): calibration {metric} {value:G5} (unaligned {unaligned:G5} at " +
                $"{Dims(plan.UnalignedRanks)})");
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            Measure(candidates[i], variants.Candidates[i]);
        }

        if (plan.SearchSpace is { } space)
        {
            Search(run, model, statistics, plan, space, budget - measured.Count, measured, Measure);
        }

        // Ties keep the earlier candidate: the objective's own optimum comes first.
        var best = Enumerable.Range(0, measured.Count).MinBy(i => (measured[i].Value, i));
        var chosen = measured[best];
        if (chosen.Value > unaligned)
        {
            run.Warn(new Diagnostic(
                DiagnosticCatalogue.AlignedPlansMeasuredWorse,
                $"On {probe.Samples} calibration sample(s), every one of the {measured.Count} aligned plans measured a higher {metric} than the compressor's " +
                    $"unaligned dims ({unaligned:G5}); kept the best, '{chosen.Plan.Name}' ({chosen.Value:G5})."));
        }

        foreach (var other in measured.Where((_, i) => i != best))
        {
            CalibrationProbe.Delete(other.Model);
        }

        run.Report("select", $"chose plan {chosen.Plan.Name}: calibration {metric} {chosen.Value:G5} (unaligned {unaligned:G5})");
        var selection = new PlanSelection(
            metric, probe.Samples, unaligned,
            measured.Select(m => new MeasuredCandidate(m.Plan.Name, m.Plan.Origin, m.Model.LinearParameters, m.Plan.Objective, m.Value)).ToList(),
            chosen.Plan.Name);
        return (plan with { AlignedRanks = chosen.Plan.Ranks, Selection = selection }, variants with { Aligned = chosen.Model, Candidates = [] });
    }

    /// <summary>
    /// Local search over the measured problem's candidates, from the best plan measured so far that
    /// lies in that space; each round writes and measures the least-loss neighbours not yet measured.
    /// Measured losers are deleted as the search goes, so the disk holds a round and the best.
    /// </summary>
    private static void Search(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, AlignedPlan plan, PlanReport space,
        int evaluations, List<(PlanCandidate Plan, ModelVariant Model, double Value)> measured, Action<PlanCandidate, ModelVariant> measure)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in measured)
        {
            if (Indices(space, m.Plan.Ranks) is { } known)
            {
                seen.Add(PlanNeighbourhood.Key(known));
            }
        }

        var round = 0;
        while (evaluations > 0)
        {
            var start = measured.Where(m => Indices(space, m.Plan.Ranks) is not null).MinBy(m => m.Value);
            if (start.Plan is null)
            {
                return;
            }

            var neighbours = PlanNeighbourhood.Best(space, Indices(space, start.Plan.Ranks)!, Math.Min(Round, evaluations), seen);
            if (neighbours.Count == 0)
            {
                return;
            }

            round++;
            var plans = neighbours.Select((n, k) => new PlanCandidate(
                $"search-{round}.{k + 1}", $"one move from '{start.Plan.Name}' (local search round {round})", Ranks(space, n), null)).ToList();
            var targets = plans.Select(p => new VariantTarget(ModelVariant.AlignedName, p.Name, p.Ranks, $"plan {p.Name}")).ToList();
            var written = plan.Unconstrained.Write(run, model, statistics, targets);
            for (var k = 0; k < plans.Count; k++)
            {
                seen.Add(PlanNeighbourhood.Key(neighbours[k]));
                measure(plans[k], written[k]);
            }

            evaluations -= plans.Count;
            var keep = measured.MinBy(m => m.Value).Model;
            foreach (var loser in measured.Skip(measured.Count - plans.Count).Where(m => m.Model != keep))
            {
                CalibrationProbe.Delete(loser.Model);
            }
        }
    }

    /// <summary>Per decision, the index of the plan's dim in the space's candidate list; null when a dim is not there.</summary>
    private static int[]? Indices(PlanReport space, IReadOnlyDictionary<string, int?> ranks)
    {
        var indices = new int[space.Decisions.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            var decision = space.Decisions[i];
            var rank = ranks[decision.Id];
            var index = decision.Candidates.ToList().FindIndex(c => rank is null ? c.IsDense : !c.IsDense && c.Dimension == rank);
            if (index < 0)
            {
                return null;
            }

            indices[i] = index;
        }

        return indices;
    }

    private static Dictionary<string, int?> Ranks(PlanReport space, IReadOnlyList<int> indices)
        => space.Decisions.Select((d, i) => (d.Id, Candidate: d.Candidates[indices[i]]))
            .ToDictionary(x => x.Id, x => x.Candidate.IsDense ? (int?)null : checked((int)x.Candidate.Dimension), StringComparer.Ordinal);

    private static string Dims(IReadOnlyDictionary<string, int?> ranks) => string.Join(" ", ranks.Values.Select(r =>
        r?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense"));
}
