namespace Gac.Core.Gate;

/// <summary>
/// How a speedup goal reads its bootstrap 95% confidence interval. gac.yaml spells the members
/// <c>median</c>, <c>ci-lower</c> and <c>ci-upper</c> (gate.speedup_judged_on).
/// </summary>
public enum SpeedupEvidence
{
    /// <summary>The point estimate (ratio of medians) must meet the goal.</summary>
    Median,

    /// <summary>The CI's lower bound must meet the goal: only a speedup the data prove passes.</summary>
    CiLower,

    /// <summary>
    /// The CI's upper bound must meet the goal: the goal fails only when the data prove it missed.
    /// "Not slower than the unaligned variant" (1.0) is judged this way, so noise alone never rejects.
    /// </summary>
    CiUpper,
}

/// <summary>
/// What a candidate must prove before it is written: the spec's gate section, bound directly from
/// gac.yaml (one type from the file to the gate, so every goal is reachable from the spec). Every
/// goal is optional; a null goal is not checked, and a gate with no goal at all is refused before a
/// run starts (GAC0070), since it would accept anything.
/// </summary>
/// <param name="MinSpeedupVsOriginal">Median-latency ratio original / candidate; 1.2 or "20%" both mean at least 1.2×.</param>
/// <param name="MinSpeedupVsUnaligned">Median-latency ratio unaligned-compressed / candidate.</param>
/// <param name="MaxP50LatencyMs">Upper bound on the candidate's median latency, in milliseconds.</param>
/// <param name="MaxRelativeError">Upper bound on ‖candidate − original‖₂ / ‖original‖₂ over the held-out outputs.</param>
/// <param name="MinCosine">Lower bound on the cosine similarity of the flattened outputs.</param>
/// <param name="MaxPerplexityIncrease">Absolute (candidate − original) or percent ((candidate / original − 1)·100) bound.</param>
/// <param name="MinAlignedPercent">Lower bound on the static share of layer dimensions that are aligned, 0–100.</param>
/// <param name="MaxParameters">Upper bound on the candidate's parameter count.</param>
/// <param name="SpeedupJudgedOn">
/// Which number of a speedup measurement the speedup goals compare. The median by default: short CI
/// runs on shared runners have wide intervals, and ci-lower would reject genuine gains there.
/// </param>
/// <param name="MaxBlockRelativeError">
/// Upper bound on the worst block's relative L2 error under layer-wise validation (each block of the candidate fed the original's
/// block input): the quality goal a model too large to run whole can be gated on. Not an end-to-end bound; not measured end to end.
/// </param>
public sealed record GateGoals(
    Threshold? MinSpeedupVsOriginal = null,
    Threshold? MinSpeedupVsUnaligned = null,
    double? MaxP50LatencyMs = null,
    double? MaxRelativeError = null,
    double? MinCosine = null,
    Threshold? MaxPerplexityIncrease = null,
    double? MinAlignedPercent = null,
    long? MaxParameters = null,
    SpeedupEvidence SpeedupJudgedOn = SpeedupEvidence.Median,
    double? MaxBlockRelativeError = null)
{
    /// <summary>True when no goal is set; <see cref="SpeedupJudgedOn"/> alone asks nothing.</summary>
    public bool IsEmpty =>
        MinSpeedupVsOriginal is null && MinSpeedupVsUnaligned is null && MaxP50LatencyMs is null
        && MaxRelativeError is null && MinCosine is null && MaxPerplexityIncrease is null
        && MinAlignedPercent is null && MaxParameters is null && MaxBlockRelativeError is null;
}
