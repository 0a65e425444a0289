namespace Gac.Compression.LowRank;

/// <summary>Floating-point type of the Gram matrix and its eigendecomposition.</summary>
public enum GramPrecision
{
    /// <summary>About 2x faster on CPU (PLATFORM-NOTES: 8.6 s vs 19 s for 4096×14336).</summary>
    Float32,

    /// <summary>
    /// Forming W·Wᵀ squares the condition number, so fp32 loses singular values below about
    /// sqrt(ε₃₂)·σ_max ≈ 2.4e-4·σ_max; fp64 keeps them.
    /// </summary>
    Float64,
}

/// <param name="Precision">Gram/eigh precision; the factors are always returned in fp32.</param>
public sealed record LowRankOptions(GramPrecision Precision = GramPrecision.Float64);
