using Gac.Core.Gate;

namespace Gac.Core.Spec;

/// <summary>What the result must prove; a null member is a check the user did not ask for.</summary>
public sealed record GateSpec(
    Threshold? MinSpeedupVsOriginal,
    Threshold? MinSpeedupVsUnaligned,
    double? MaxP50LatencyMs,
    double? MaxRelativeError,
    double? MinCosine,
    Threshold? MaxPerplexityIncrease,
    double? MinAlignedPercent,
    long? MaxParameters)
{
    public bool IsEmpty =>
        MinSpeedupVsOriginal is null && MinSpeedupVsUnaligned is null && MaxP50LatencyMs is null
        && MaxRelativeError is null && MinCosine is null && MaxPerplexityIncrease is null
        && MinAlignedPercent is null && MaxParameters is null;
}
