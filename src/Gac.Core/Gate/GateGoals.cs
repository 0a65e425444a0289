namespace Gac.Core.Gate;

/// <summary>
/// What a candidate must prove before it is written. Every goal is optional; a null goal is not
/// checked. The spec's gate section maps onto this record.
/// </summary>
/// <param name="MinSpeedupVsOriginal">Median-latency ratio original / candidate; 1.2 or "20%" both mean at least 1.2×.</param>
/// <param name="MinSpeedupVsUnaligned">Median-latency ratio unaligned-compressed / candidate.</param>
/// <param name="MaxP50LatencyMs">Upper bound on the candidate's median latency, in milliseconds.</param>
/// <param name="MaxRelativeError">Upper bound on ‖candidate − original‖₂ / ‖original‖₂ over the held-out outputs.</param>
/// <param name="MinCosine">Lower bound on the cosine similarity of the flattened outputs.</param>
/// <param name="MaxPerplexityIncrease">Absolute (candidate − original) or percent ((candidate / original − 1)·100) bound.</param>
/// <param name="MinAlignedPercent">Lower bound on the static share of layer dimensions that are aligned, 0–100.</param>
/// <param name="MaxParameters">Upper bound on the candidate's parameter count.</param>
/// <param name="Conservative">
/// When true, speedup goals compare the lower bound of the bootstrap 95% confidence interval instead of
/// the point estimate, so a noisy benchmark cannot pass by luck. Off by default because short CI runs
/// on shared runners have wide intervals and would reject genuine gains.
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
    bool Conservative = false);
