namespace Gac.Compression.LowRank;

/// <summary>ASVD's parameter-ratio ↔ rank rule for an m×n weight (GAC-METHOD §5).</summary>
public static class RankRatio
{
    /// <summary>r = floor(p·m·n/(m+n)): the rank whose factors hold about the fraction p of m·n parameters.</summary>
    public static int RankForRatio(double ratio, long rows, long columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratio);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        // Exact products in double up to 2^53, far above any layer's m·n.
        return checked((int)Math.Floor(ratio * rows * columns / (rows + columns)));
    }

    /// <summary>floor(m·n/(m+n)): above this rank the factors hold more parameters than W.</summary>
    public static int BreakEvenRank(long rows, long columns) => checked((int)(rows * columns / (rows + columns)));
}
