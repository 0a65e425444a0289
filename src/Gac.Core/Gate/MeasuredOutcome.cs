namespace Gac.Core.Gate;

/// <summary>A ratio of median latencies (baseline / candidate; above 1 means the candidate is faster) with its bootstrap 95% CI.</summary>
public sealed record SpeedupMeasurement(double Ratio, double CiLow, double CiHigh);

/// <summary>
/// What validation measured for one candidate. Null means "not measured in this run"; the gate then
/// reports the goal as not measured instead of guessing. <see cref="WorstBlockRelativeError"/> is measured only by a
/// layer-wise validation, the end-to-end numbers only by an end-to-end one.
/// </summary>
public sealed record MeasuredOutcome(
    SpeedupMeasurement? SpeedupVsOriginal = null,
    SpeedupMeasurement? SpeedupVsUnaligned = null,
    double? CandidateP50Ms = null,
    double? RelativeError = null,
    double? Cosine = null,
    double? OriginalPerplexity = null,
    double? CandidatePerplexity = null,
    double? AlignedPercent = null,
    long? Parameters = null,
    double? WorstBlockRelativeError = null);
