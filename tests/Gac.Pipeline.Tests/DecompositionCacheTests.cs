using Gac.Compression;
using Gac.Compression.LowRank;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Measured plan selection cuts each layer many times; the cache decomposes a layer once per run when
/// enabled, and otherwise frees every decomposition as soon as its use ends.
/// </summary>
public sealed class DecompositionCacheTests
{
    private int _decomposed;

    [Fact]
    public void Enabled_a_layer_is_decomposed_once_and_freed_with_the_cache()
    {
        var cache = new DecompositionCache { Enabled = true };
        LowRankDecomposition first;
        using (var lease = cache.Get("fc", Decompose))
        {
            first = lease.Value;
        }

        using (var again = cache.Get("fc", Decompose))
        {
            Assert.Same(first, again.Value);
            Assert.Equal(2, again.Value.Factorize(2).Rank);
        }

        Assert.Equal(1, _decomposed);
        cache.Dispose();
        Assert.Throws<ObjectDisposedException>(() => first.Factorize(1));
    }

    [Fact]
    public void Disabled_every_use_decomposes_afresh_and_frees_it_after()
    {
        using var cache = new DecompositionCache();
        LowRankDecomposition first;
        using (var lease = cache.Get("fc", Decompose))
        {
            first = lease.Value;
        }

        Assert.Throws<ObjectDisposedException>(() => first.Factorize(1));
        using var again = cache.Get("fc", Decompose);
        Assert.NotSame(first, again.Value);
        Assert.Equal(2, _decomposed);
    }

    private LowRankDecomposition Decompose()
    {
        _decomposed++;
        TorchRuntime.EnsureLoaded();
        return new LowRankFactorizer().Decompose("fc", new WeightMatrix(3, 4, [1, 2, 0, 1, 0, 1, 3, 1, 2, 0, 1, 4]));
    }
}
