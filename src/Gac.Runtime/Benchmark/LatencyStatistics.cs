namespace Gac.Runtime.Benchmark;

/// <summary>Percentiles and a paired bootstrap for latency samples. Pure; seeded for reproducible reports.</summary>
public static class LatencyStatistics
{
    /// <summary>Linear interpolation between closest ranks (the "type 7" rule numpy and R use by default), q in [0, 1].</summary>
    public static double Percentile(IReadOnlyList<double> samples, double q)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        return PercentileOfSorted(sorted, q);
    }

    public static double PercentileOfSorted(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    /// <summary>
    /// Bootstrap 95% percentile interval of median(baseline) / median(candidate). Paired: each resample
    /// draws iteration indices and takes both variants' samples from the same iterations, because
    /// interleaved iterations share the machine's drift (clocks, other tenants) and pairing cancels it.
    /// </summary>
    public static (double Low, double High) SpeedupInterval(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, int resamples, int seed)
    {
        if (baseline.Count != candidate.Count || baseline.Count == 0)
        {
            throw new ArgumentException("Paired samples must have the same, non-zero length.");
        }

        return Interval(resamples, seed, baseline.Count, indices => Median(baseline, indices) / Median(candidate, indices));
    }

    /// <summary>Bootstrap 95% percentile interval of one variant's median.</summary>
    public static (double Low, double High) MedianInterval(IReadOnlyList<double> samples, int resamples, int seed)
        => Interval(resamples, seed, samples.Count, indices => Median(samples, indices));

    private static (double Low, double High) Interval(int resamples, int seed, int count, Func<int[], double> statistic)
    {
        var random = new Random(seed);
        var estimates = new double[Math.Max(1, resamples)];
        var indices = new int[count];
        for (var r = 0; r < estimates.Length; r++)
        {
            for (var i = 0; i < count; i++)
            {
                indices[i] = random.Next(count);
            }

            estimates[r] = statistic(indices);
        }

        Array.Sort(estimates);
        return (PercentileOfSorted(estimates, 0.025), PercentileOfSorted(estimates, 0.975));
    }

    private static double Median(IReadOnlyList<double> samples, int[] indices)
    {
        var picked = new double[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            picked[i] = samples[indices[i]];
        }

        Array.Sort(picked);
        return PercentileOfSorted(picked, 0.5);
    }
}
