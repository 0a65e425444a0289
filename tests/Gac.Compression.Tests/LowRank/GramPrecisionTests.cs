using Gac.Compression.LowRank;

namespace Gac.Compression.Tests.LowRank;

public sealed class GramPrecisionTests
{
    /// <summary>
    /// The one moderate case: 384×1344 has the aspect ratio of a Llama MLP weight (4096×14336) and a
    /// decaying spectrum. fp32 Gram loses only singular values below ~2.4e-4·σ_max, which carry a
    /// negligible share of ‖W‖², so the planner's error curve and the factors' error must agree with fp64.
    /// </summary>
    [Fact]
    public void An_fp32_Gram_gives_the_fp64_truncation_error_at_every_grid_rank()
    {
        var weight = Fixtures.DecayingWeight(384, 1344, innerRank: 96, seed: 61);
        using var single = new LowRankFactorizer(new LowRankOptions(GramPrecision.Float32)).Decompose("w", weight);
        using var @double = new LowRankFactorizer(new LowRankOptions(GramPrecision.Float64)).Decompose("w", weight);

        foreach (var ratio in LayerSensitivity.DefaultRatios.Where(p => p < 1))
        {
            var rank = RankRatio.RankForRatio(ratio, 384, 1344);
            // Normalised errors agree to 1e-4 absolute: far below the 0.1-ratio grid's steps.
            Assert.Equal(@double.NormalizedError(rank), single.NormalizedError(rank), 1e-4);
        }

        var half = RankRatio.RankForRatio(0.5, 384, 1344);
        var factors = single.Factorize(half);
        // The fp32 factors themselves are as good as the optimum (Eckart–Young bound from fp64) to 0.1%.
        Assert.InRange(factors.ResidualNorm, 0.999 * @double.TruncationError(half), 1.001 * @double.TruncationError(half));
    }
}
