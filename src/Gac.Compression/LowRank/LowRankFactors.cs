namespace Gac.Compression.LowRank;

/// <summary>
/// W[K,N] ≈ A[K,r]·B[r,N], both row-major fp32, ready to become two MatMul initializers.
/// √σ is split between the factors so both have the same scale (better for fp16 export).
/// </summary>
/// <param name="ResidualNorm">‖W − A·B‖_F of the decomposed (for ASVD: activation-scaled) matrix,
/// measured on the factors actually produced, not predicted from the spectrum.</param>
public sealed record LowRankFactors(string Name, int Rows, int Rank, int Columns, float[] A, float[] B, double ResidualNorm)
{
    public long Parameters => (long)Rank * (Rows + Columns);
}
