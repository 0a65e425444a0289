using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The dims each variant gets: the compressor's own (unaligned) and the chosen strategy's (aligned).
/// A null rank means the layer stays dense.
/// </summary>
public sealed record AlignedPlan(
    UnconstrainedPlan Unconstrained,
    PlanReport? Report,
    string Strategy,
    IReadOnlyDictionary<string, int?> UnalignedRanks,
    IReadOnlyDictionary<string, int?> AlignedRanks)
{
    public double AlignedPercentBefore => Report?.Totals.AlignedPercentBefore ?? 100;

    public double AlignedPercentAfter => Report?.Totals.AlignedPercentAfter ?? 100;
}
