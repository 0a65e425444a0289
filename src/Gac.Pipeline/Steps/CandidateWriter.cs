using Gac.Core.Calibration;

namespace Gac.Pipeline.Steps;

/// <summary>Writes models at given dims (low rank: ranks, pruning: kept widths) with the run's compressor.</summary>
internal static class CandidateWriter
{
    public static IReadOnlyList<ModelVariant> Write(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, UnconstrainedPlan plan, IReadOnlyList<VariantTarget> targets)
        => plan.IsPruning
            ? targets.Select(t => PruneApply.Save(run, model, plan, t.Ranks, t.Name, t.Folder)).ToList()
            : LowRankApply.WriteVariants(run, model, statistics, plan.Layers, targets);
}
