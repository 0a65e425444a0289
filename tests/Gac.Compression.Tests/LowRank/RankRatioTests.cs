using Gac.Compression.LowRank;

namespace Gac.Compression.Tests.LowRank;

public sealed class RankRatioTests
{
    // Llama-3-8B shapes and ranks from GAC-METHOD §6.
    [Theory]
    [InlineData(0.5, 4096, 4096, 1024)]
    [InlineData(0.5, 4096, 14336, 1592)]
    [InlineData(0.4, 4096, 1024, 327)]
    [InlineData(0.5, 4096, 1024, 409)]
    [InlineData(0.6, 4096, 1024, 491)]
    [InlineData(0.7, 4096, 1024, 573)]
    [InlineData(0.8, 4096, 1024, 655)]
    [InlineData(0.9, 4096, 1024, 737)]
    [InlineData(0.8, 4096, 4096, 1638)]
    public void Rank_for_ratio_is_floor_of_p_m_n_over_m_plus_n(double ratio, long rows, long columns, int expected)
    {
        Assert.Equal(expected, RankRatio.RankForRatio(ratio, rows, columns));
    }

    [Fact]
    public void Break_even_rank_is_the_largest_rank_not_bigger_than_dense()
    {
        var r = RankRatio.BreakEvenRank(4096, 14336);

        Assert.True(r * (4096L + 14336) <= 4096L * 14336);
        Assert.True((r + 1) * (4096L + 14336) > 4096L * 14336);
    }
}
