using Gac.Core.Calibration;

namespace Gac.Compression.LowRank;

/// <summary>ASVD's input-channel scale S = (mean|x|)^α (Yuan et al. 2023, "ASVD", eq. 4; α = 0.5 there).</summary>
public static class ActivationAwareScaling
{
    public const double DefaultAlpha = 0.5;

    /// <summary>
    /// Channels whose mean |x| is below this fraction of the largest are raised to it: a dead channel
    /// would otherwise get S = 0, erase its row of W in the decomposition and make S⁻¹ infinite.
    /// </summary>
    public const double RelativeFloor = 1e-6;

    public static double[] ChannelScale(ActivationStatistics statistics, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return ChannelScale(statistics.AbsMean(), alpha);
    }

    public static double[] ChannelScale(IReadOnlyList<double> absMean, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(absMean);
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        var max = absMean.Count == 0 ? 0 : absMean.Max();
        if (!(max > 0))
        {
            // No signal at all: plain SVD.
            return Enumerable.Repeat(1.0, absMean.Count).ToArray();
        }
        var floor = max * RelativeFloor;
        return absMean.Select(m => Math.Pow(Math.Max(m, floor), alpha)).ToArray();
    }
}
