using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The dims each variant gets: the compressor's own (unaligned) and the chosen strategy's (aligned).
/// A null rank means the layer stays dense.
/// </summary>
/// <param name="Candidates">The aligned plans the run builds and measures before choosing one (the
/// objective's optimum first); a single entry when there is nothing to choose between.</param>
public sealed record AlignedPlan(
    UnconstrainedPlan Unconstrained,
    PlanReport? Report,
    string Strategy,
    IReadOnlyDictionary<string, int?> UnalignedRanks,
    IReadOnlyDictionary<string, int?> AlignedRanks,
    IReadOnlyList<PlanCandidate>? Candidates = null)
{
    public double AlignedPercentBefore => Report?.Totals.AlignedPercentBefore ?? 100;

    public double AlignedPercentAfter => Report?.Totals.AlignedPercentAfter ?? 100;

    /// <summary>The measured problem's solved plan, whose candidate lists bound the local search; null when not probed.</summary>
    public PlanReport? SearchSpace { get; init; }

    /// <summary>Which candidate became the aligned variant and what each measured; null when none was measured.</summary>
    public PlanSelection? Selection { get; init; }

    public IReadOnlyList<PlanCandidate> AllCandidates => Candidates ?? [new PlanCandidate("objective", "the objective's optimum", AlignedRanks,
        Report?.Totals.ObjectiveValue)];
}

/// <summary>One aligned plan: its dims per decision (null = dense) and its predicted objective.</summary>
public sealed record PlanCandidate(string Name, string Origin, IReadOnlyDictionary<string, int?> Ranks, double? Objective);

/// <summary>
/// The measured choice between candidate plans on calibration data (never the held-out data).
/// Metric is "perplexity" (language models), "sentence-distance" (1 − mean sentence cosine, pooled
/// encoders) or "relative-error" (the compared output's ‖Δ‖/‖y‖).
/// </summary>
public sealed record PlanSelection(string Metric, int Samples, double Unaligned, IReadOnlyList<MeasuredCandidate> Candidates, string Chosen);

public sealed record MeasuredCandidate(string Name, string Origin, long Parameters, double? Objective, double Measured);
