using Gac.Compression.LowRank;

namespace Gac.Compression.Tests.LowRank;

public sealed class DecompositionCacheTests
{
    [Theory]
    [InlineData(48, 80, false)]    // K < N: left basis
    [InlineData(80, 48, true)]     // K > N: right basis, with an ASVD channel scale
    public void A_layer_is_decomposed_once_and_its_read_back_spill_cuts_the_very_same_factors(int rows, int columns, bool scaled)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gac-svd-" + Guid.NewGuid().ToString("N"));
        var weight = Fixtures.Weight(rows, columns, seed: 7);
        double[]? scale = scaled ? Enumerable.Range(0, rows).Select(i => 0.5 + (i % 7)).ToArray() : null;
        var factorizer = new LowRankFactorizer();
        using (var cache = new DecompositionCache(folder))
        {
            using var fresh = factorizer.Decompose("layer", weight, scale);
            using var first = cache.Decompose(factorizer, "layer", weight, scale);
            using var second = cache.Decompose(factorizer, "layer", weight, scale);

            Assert.Equal(1, cache.ComputedFor("layer"));
            Assert.Equal(1, cache.Reused);
            Assert.Equal(fresh.SingularValues(), second.SingularValues());
            Assert.Equal(fresh.FrobeniusNorm, second.FrobeniusNorm);
            foreach (var rank in new[] { 1, 13, Math.Min(rows, columns) })
            {
                var expected = fresh.Factorize(rank);
                var actual = second.Factorize(rank);
                Assert.Equal(expected.A, actual.A);
                Assert.Equal(expected.B, actual.B);
            }
        }

        Assert.False(Directory.Exists(folder), "the spill folder goes with the cache");
    }

    [Fact]
    public void Another_channel_scale_or_layer_is_another_decomposition()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gac-svd-" + Guid.NewGuid().ToString("N"));
        var weight = Fixtures.Weight(32, 40, seed: 3);
        var factorizer = new LowRankFactorizer();
        using var cache = new DecompositionCache(folder);

        cache.Decompose(factorizer, "a", weight, null).Dispose();
        cache.Decompose(factorizer, "a", weight, Enumerable.Repeat(2.0, 32).ToArray()).Dispose();
        cache.Decompose(factorizer, "b", weight, null).Dispose();
        using var scaled = cache.Decompose(factorizer, "a", weight, Enumerable.Repeat(2.0, 32).ToArray());

        Assert.Equal(2, cache.ComputedFor("a"));
        Assert.Equal(1, cache.ComputedFor("b"));
        Assert.Equal(3, cache.Computed);
        Assert.Equal(1, cache.Reused);
        // diag(2)·W has twice W's singular values: the read-back copy is the scaled decomposition, not the plain one.
        using var plain = factorizer.Decompose("a", weight);
        Assert.Equal(2 * plain.SingularValues()[0], scaled.SingularValues()[0], 9);
    }

    [Fact]
    public void A_released_layer_leaves_the_disk_and_is_decomposed_again_if_asked_for()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gac-svd-" + Guid.NewGuid().ToString("N"));
        var weight = Fixtures.Weight(24, 36, seed: 5);
        var factorizer = new LowRankFactorizer();
        using var cache = new DecompositionCache(folder);
        cache.Decompose(factorizer, "layer", weight, null).Dispose();
        cache.Decompose(factorizer, "layer", weight, Enumerable.Repeat(3.0, 24).ToArray()).Dispose();
        cache.Decompose(factorizer, "layer.b", weight, null).Dispose();    // a name that merely starts with "layer" stays
        Assert.Equal(3, Directory.GetFiles(folder).Length);

        cache.Release("layer");

        Assert.Equal(2, cache.Released);
        Assert.Single(Directory.GetFiles(folder));
        using var again = cache.Decompose(factorizer, "layer", weight, null);
        Assert.Equal(3, cache.ComputedFor("layer"));                           // both scales once, then the plain one again
        using var kept = cache.Decompose(factorizer, "layer.b", weight, null);
        Assert.Equal(1, cache.Reused);
    }
}
