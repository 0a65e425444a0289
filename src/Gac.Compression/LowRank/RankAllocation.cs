using Gac.Compression.Planning;

namespace Gac.Compression.LowRank;

/// <summary>One layer's decision: a rank, or dense (Rank null).</summary>
public sealed record LayerRank(string Name, long Rows, long Columns, int? Rank)
{
    public long Parameters => Rank is { } r ? r * (Rows + Columns) : Rows * Columns;

    /// <summary>Parameters kept relative to the dense weight.</summary>
    public double Ratio => (double)Parameters / (Rows * Columns);
}

/// <summary>Per-layer ranks meeting a global parameter budget over the linear weights.</summary>
public sealed record RankAllocation(IReadOnlyList<LayerRank> Layers, long Budget, long DenseParameters)
{
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>
    /// The allocation as the aligner's input. Importance is the marginal drop of squared normalised
    /// error per parameter at the chosen rank (from the error curve when known).
    /// </summary>
    public IReadOnlyList<UnconstrainedTarget> ToTargets(IReadOnlyList<LayerSensitivity> sensitivities)
    {
        ArgumentNullException.ThrowIfNull(sensitivities);
        var byName = sensitivities.ToDictionary(s => s.Name, StringComparer.Ordinal);
        return Layers.Select(layer =>
        {
            var breakEven = RankRatio.BreakEvenRank(layer.Rows, layer.Columns);
            var unit = layer.Rows + layer.Columns;
            var curve = byName.TryGetValue(layer.Name, out var s) ? s.ErrorCurve : null;
            var target = layer.Rank ?? breakEven;
            var importance = curve is null || target + 1 >= curve.Length
                ? 0
                : (curve[target] * curve[target] - curve[target + 1] * curve[target + 1]) / unit;
            var trimmed = curve?.Take(breakEven + 1).ToArray();
            return new UnconstrainedTarget(layer.Name, TargetKind.LowRank, breakEven, target, importance, trimmed, unit, 0);
        }).ToArray();
    }
}
