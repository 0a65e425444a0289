namespace Gac.Compression.Pruning;

/// <summary>
/// One attention block's projections in [in, out] storage. <see cref="Projections"/> are either q, k,
/// v as separate matrices or one fused qkv matrix: each holds sections × HeadCount × HeadDim columns
/// (sections = 1 for separate, 3 for fused, laid out q|k|v), and head h owns columns
/// s·H·d + h·d … + d − 1 of every section s. Head h also owns rows h·d … of <see cref="Output"/>.
/// Grouped-query attention (fewer k/v heads) is not handled: pass only q (then heads prune q and o).
/// </summary>
public sealed record AttentionWeights(
    string Name,
    int Block,
    int HeadCount,
    int HeadDim,
    IReadOnlyList<WeightMatrix> Projections,
    WeightMatrix Output,
    IReadOnlyList<float[]?>? ProjectionBiases = null,
    float[]? OutputBias = null)
{
    public int HeadWidth => HeadCount * HeadDim;

    public int Sections(int projection) => Projections[projection].Columns / HeadWidth;

    public void Validate()
    {
        var ok = HeadCount > 0 && HeadDim > 0 && Projections.Count > 0
            && Projections.All(p => p.Columns % HeadWidth == 0 && p.Rows == Projections[0].Rows)
            && Output.Rows == HeadWidth
            && (ProjectionBiases is null || (ProjectionBiases.Count == Projections.Count
                && ProjectionBiases.Select((b, i) => b is null || b.Length == Projections[i].Columns).All(x => x)))
            && (OutputBias is null || OutputBias.Length == Output.Columns);
        if (!ok)
        {
            throw new ArgumentException($"{Name}: projections, output {Output.Rows}×{Output.Columns} and biases do not fit {HeadCount} heads of {HeadDim}.");
        }
    }

    /// <summary>Column indices of head <paramref name="head"/> within projection <paramref name="projection"/>.</summary>
    public IEnumerable<int> HeadColumns(int projection, int head)
    {
        for (var s = 0; s < Sections(projection); s++)
        {
            for (var t = 0; t < HeadDim; t++)
            {
                yield return s * HeadWidth + head * HeadDim + t;
            }
        }
    }

    public long ParametersPerHead =>
        Enumerable.Range(0, Projections.Count).Sum(p =>
            (long)Sections(p) * HeadDim * (Projections[p].Rows + (ProjectionBiases?[p] is null ? 0 : 1)))
        + (long)HeadDim * Output.Columns;

    public long FixedParameters => OutputBias?.Length ?? 0;
}
