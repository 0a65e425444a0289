using Gac.Runtime.Benchmark;

namespace Gac.Runtime.Tests.Benchmark;

public sealed class LatencyStatisticsTests
{
    [Theory]
    [InlineData(0.5, 2.5)]
    [InlineData(0.9, 3.7)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 4.0)]
    public void Percentiles_interpolate_between_ranks(double q, double expected)
        => Assert.Equal(expected, LatencyStatistics.Percentile([4, 1, 3, 2], q), 12);

    [Fact]
    public void Bootstrap_interval_contains_the_point_estimate_and_is_reproducible()
    {
        var random = new Random(11);
        var baseline = Enumerable.Range(0, 200).Select(_ => 10 + random.NextDouble() * 2).ToArray();
        var candidate = Enumerable.Range(0, 200).Select(_ => 8 + random.NextDouble() * 2).ToArray();
        var estimate = LatencyStatistics.Percentile(baseline, 0.5) / LatencyStatistics.Percentile(candidate, 0.5);

        var (low, high) = LatencyStatistics.SpeedupInterval(baseline, candidate, 2000, seed: 3);

        Assert.InRange(estimate, low, high);
        Assert.True(high - low < 0.1, $"[{low}, {high}] is wider than expected for 200 samples");
        Assert.Equal((low, high), LatencyStatistics.SpeedupInterval(baseline, candidate, 2000, seed: 3));
    }
}
