using Gac.Core.Calibration;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Tests.Calibration;

public sealed class ActivationStatisticsTests
{
    private const int Channels = 7;

    [Fact]
    public void Streaming_in_uneven_batches_equals_one_batch_computation()
    {
        var rows = Fixtures.Normal(53 * Channels, seed: 3, scale: 2.5);
        var streamed = new ActivationStatistics(Channels);
        var offset = 0;
        foreach (var batch in new[] { 1, 10, 2, 40 })
        {
            streamed.Accumulate(rows.AsSpan(offset * Channels, batch * Channels));
            offset += batch;
        }

        // Direct per-channel means over all 53 rows.
        var absMean = new double[Channels];
        var meanSquare = new double[Channels];
        for (var t = 0; t < 53; t++)
        {
            for (var c = 0; c < Channels; c++)
            {
                absMean[c] += Math.Abs(rows[t * Channels + c]) / 53.0;
                meanSquare[c] += (double)rows[t * Channels + c] * rows[t * Channels + c] / 53.0;
            }
        }

        Assert.Equal(53, streamed.Count);
        // Same double sums in a different order: 1e-12 relative.
        Assert.All(streamed.AbsMean().Zip(absMean), p => Assert.Equal(p.Second, p.First, 1e-12 * p.Second));
        Assert.All(streamed.MeanSquare().Zip(meanSquare), p => Assert.Equal(p.Second, p.First, 1e-12 * p.Second));
        Assert.All(streamed.Norm().Zip(meanSquare), p => Assert.Equal(Math.Sqrt(p.Second * 53), p.First, 1e-12 * p.First));
    }

    [Fact]
    public void Merging_two_accumulators_equals_accumulating_all_rows_in_one()
    {
        var first = Fixtures.Normal(20 * Channels, seed: 4);
        var second = Fixtures.Normal(9 * Channels, seed: 5, scale: 10);
        var left = new ActivationStatistics(Channels);
        var right = new ActivationStatistics(Channels);
        var whole = new ActivationStatistics(Channels);
        left.Accumulate(first);
        right.Accumulate(second);
        whole.Accumulate(first);
        whole.Accumulate(second);

        left.Merge(right);

        Assert.Equal(whole.Count, left.Count);
        Assert.All(left.AbsMean().Zip(whole.AbsMean()), p => Assert.Equal(p.Second, p.First, 1e-12 * p.Second));
        Assert.All(left.MeanSquare().Zip(whole.MeanSquare()), p => Assert.Equal(p.Second, p.First, 1e-12 * p.Second));
    }

    [Fact]
    public void A_batch_that_is_not_whole_rows_is_GAC1501()
    {
        var statistics = new ActivationStatistics(Channels);

        var e = Assert.Throws<GacException>(() => statistics.Accumulate(new float[Channels + 1]));

        Assert.Equal("GAC1501", e.Diagnostics[0].Code);
    }

    [Fact]
    public void Merging_different_widths_is_GAC1501()
    {
        var e = Assert.Throws<GacException>(() => new ActivationStatistics(3).Merge(new ActivationStatistics(4)));

        Assert.Equal("GAC1501", e.Diagnostics[0].Code);
    }

    [Fact]
    public void A_NaN_batch_is_GAC1502_and_leaves_the_statistics_unchanged()
    {
        var statistics = new ActivationStatistics(2);
        statistics.Accumulate([1f, -2f]);

        var e = Assert.Throws<GacException>(() => statistics.Accumulate([3f, float.NaN]));

        Assert.Equal("GAC1502", e.Diagnostics[0].Code);
        Assert.Equal(1, statistics.Count);
        Assert.Equal([1.0, 2.0], statistics.AbsMean());
    }

    [Fact]
    public void Asking_for_means_before_any_row_is_GAC1503()
    {
        var e = Assert.Throws<GacException>(() => new ActivationStatistics(2).AbsMean());

        Assert.Equal("GAC1503", e.Diagnostics[0].Code);
    }
}
