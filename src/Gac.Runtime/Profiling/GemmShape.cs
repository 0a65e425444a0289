using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Runtime.Profiling;

/// <summary>
/// The weight W[K, N] of one linear layer, named by the key a <see cref="Gac.Core.Hardware.LatencyStaircase"/>
/// series carries: "KxN", the same key <c>PlanningDecision.LowRank</c> gives its decision.
/// </summary>
public readonly record struct GemmShape(long InFeatures, long OutFeatures)
{
    /// <summary>Suffix of the series that times the dense layer X·W (see <see cref="DenseKey"/>).</summary>
    public const string DenseSuffix = "-dense";

    /// <summary>"KxN": the series of the low-rank pair X·A[K,r]·B[r,N] over r.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{InFeatures}x{OutFeatures}");

    /// <summary>"KxN-dense": one point at d = min(K, N), where the planner puts its dense candidate.</summary>
    public string DenseKey => Key + DenseSuffix;

    /// <summary>A rank above min(K, N) adds work without adding expressiveness.</summary>
    public long MaxRank => Math.Min(InFeatures, OutFeatures);

    /// <summary>Parses "4096x14336" (also "4096X14336"); throws <see cref="FormatException"/> otherwise.</summary>
    public static GemmShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('x', 'X');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || k <= 0 || n <= 0)
        {
            throw new FormatException($"GEMM shape '{text}' is not KxN with positive whole numbers (e.g. 4096x14336).");
        }

        // A probe holds W (and its low-rank factors) in memory; past one array's reach it would only stall and fail.
        if ((double)k * n > Array.MaxLength)
        {
            throw GacException.Create(
                DiagnosticCatalogue.DimensionTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"GEMM shape '{text}' has {(double)k * n:0.###e0} weight elements, more than the " +
                    $"{Array.MaxLength:N0} one tensor may hold; profile the shapes your model has."));
        }

        return new GemmShape(k, n);
    }

    public override string ToString() => Key;
}
