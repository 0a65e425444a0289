using Gac.Core.Model;
using Gac.Core.Reports;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What the compress half of a run hands to the validate half: the three models on disk, what the
/// generated held-out inputs may hold, and the plan as the report and the gate read it. Everything
/// here can be written to a candidate bundle and read back in another process (<see cref="Bundles.CandidateBundle"/>),
/// so <c>run</c> and <c>--stage compress</c> + <c>validate</c> decide from the same facts.
/// </summary>
/// <param name="OriginalDataFiles">The external-data files the original model reads (absolute), which travel with it into a bundle.</param>
public sealed record CompressedCandidate(ModelVariants Variants, InputDomains InputDomains, CandidatePlan Plan, IReadOnlyList<string> OriginalDataFiles);

/// <summary>
/// The chosen plan reduced to what validation, the gate and the report need: the strategy, the
/// aligned share the gate's alignment goal reads, the report's per-layer plan section and how the
/// aligned plan was selected.
/// </summary>
public sealed record CandidatePlan(string Strategy, double AlignedPercentAfter, PlanSummary Summary, SelectionSection? Selection)
{
    public static CandidatePlan Of(AlignedPlan plan, ModelVariants variants, int multiple)
        => new(
            plan.Strategy,
            plan.AlignedPercentAfter,
            Summarize(plan, variants, multiple),
            plan.Selection is { } selection
                ? new SelectionSection(
                    selection.Metric, selection.Samples, selection.Unaligned, selection.Chosen,
                    selection.Candidates.Select(c => new SelectionCandidate(c.Name, c.Origin, c.Parameters, c.Objective, c.Measured,
                        c.Name == selection.Chosen)).ToList())
                : null);

    private static PlanSummary Summarize(AlignedPlan plan, ModelVariants variants, int multiple)
    {
        // Heads are aligned when heads × head_dim is a multiple (ElementsPerUnit = head_dim), ranks and
        // channels when the dim itself is; a layer or group kept at its original size counts as aligned.
        var predicted = LayerContributions.Predicted(plan);
        var total = predicted.Values.Sum();
        var layers = plan.Unconstrained.Problem.Decisions.Select(d =>
        {
            var aligned = plan.AlignedRanks[d.Id] ?? d.MaxDimension;
            var before = plan.UnalignedRanks[d.Id];
            double? error = predicted.TryGetValue(d.Id, out var e) ? e : null;
            return new LayerDimension(d.Id, d.MaxDimension, d.Target, aligned, aligned == d.MaxDimension || aligned * d.ElementsPerUnit % multiple == 0)
            {
                UnconstrainedIsAligned = before is { } b ? b * d.ElementsPerUnit % multiple == 0 : null,
                PredictedError = error,
                ErrorShare = error is { } v && total > 0 ? v / total : null,
                MeasuredAlone = Probes(plan.Unconstrained.Measured, d.Id),
                MeasuredInPlan = Probes(plan.Unconstrained.MeasuredInPlan, d.Id),
            };
        }).ToList();
        return new PlanSummary(
            multiple,
            layers,
            plan.AlignedPercentBefore,
            layers.Count == 0 ? 100 : 100.0 * layers.Count(l => l.IsAligned) / layers.Count,
            variants.Original.LinearParameters,
            variants.Unaligned.LinearParameters,
            variants.Aligned.LinearParameters);
    }

    private static List<LayerProbeResult>? Probes(IReadOnlyDictionary<string, IReadOnlyList<LayerMeasurement>> measured, string id)
        => measured.TryGetValue(id, out var probes) ? probes.Select(p => new LayerProbeResult(p.Dimension, p.RelativeError)).ToList() : null;
}
