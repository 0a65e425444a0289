namespace Gac.Runtime.Profiling;

/// <summary>What to measure: each shape at one token count over a sweep of ranks, optionally dense too.</summary>
/// <param name="Shapes">GEMM shapes; one low-rank series per shape.</param>
/// <param name="Tokens">M, the rows of X (batch × sequence length the model will serve).</param>
/// <param name="Sweep">Ranks to measure; null: <see cref="DimensionSweep.DefaultFor"/> each shape.</param>
/// <param name="DataType">Element type of input and weights.</param>
/// <param name="Dense">Also time the dense X·W, as series "KxN-dense".</param>
public sealed record ProfileRequest(
    IReadOnlyList<GemmShape> Shapes,
    int Tokens,
    DimensionSweep? Sweep = null,
    ProbeDataType DataType = ProbeDataType.Float32,
    bool Dense = false)
{
    /// <summary>The ranks measured for <paramref name="shape"/>.</summary>
    public IReadOnlyList<long> DimensionsFor(GemmShape shape) => (Sweep ?? DimensionSweep.DefaultFor(shape)).For(shape);
}
