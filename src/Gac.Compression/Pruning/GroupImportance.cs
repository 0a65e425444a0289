using Gac.Compression.Planning;

namespace Gac.Compression.Pruning;

/// <summary>Importance of every prunable unit (channel or head) of one coupled group.</summary>
public sealed record GroupImportance(
    string Name,
    TargetKind Kind,
    int Block,
    IReadOnlyList<double> UnitScores,
    long ParamsPerUnit,
    long FixedParams)
{
    public int Units => UnitScores.Count;
}
