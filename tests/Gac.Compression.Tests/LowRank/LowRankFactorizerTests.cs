using Gac.Compression.LowRank;
using TorchSharp;

namespace Gac.Compression.Tests.LowRank;

public sealed class LowRankFactorizerTests
{
    [Theory]
    [InlineData(48, 80, GramPrecision.Float32)]
    [InlineData(48, 80, GramPrecision.Float64)]
    [InlineData(80, 48, GramPrecision.Float32)]
    [InlineData(80, 48, GramPrecision.Float64)]
    public void Full_rank_factors_reconstruct_the_weight_within_1e_4(int rows, int columns, GramPrecision precision)
    {
        var weight = Fixtures.Weight(rows, columns, seed: 11);
        using var decomposition = new LowRankFactorizer(new LowRankOptions(precision)).Decompose("w", weight);

        var factors = decomposition.Factorize(decomposition.MaxRank);
        var product = Fixtures.MatMul(factors.A, factors.B, rows, factors.Rank, columns);

        // Entries are N(0,1); fp32 round-off over a 48-term product is ~1e-6, so 1e-4 is the brief's bound with margin.
        var maxDiff = product.Select((p, i) => Math.Abs(p - weight.Values[i])).Max();
        Assert.True(maxDiff <= 1e-4, $"max |A·B − W| = {maxDiff}");
        Assert.Equal(Math.Min(rows, columns), decomposition.MaxRank);
    }

    [Fact]
    public void Full_rank_activation_aware_factors_reconstruct_the_unscaled_weight()
    {
        var weight = Fixtures.Weight(40, 64, seed: 12);
        var scale = Enumerable.Range(0, 40).Select(i => 0.5 + (i % 7)).ToArray();
        using var decomposition = new LowRankFactorizer().Decompose("w", weight, scale);

        var factors = decomposition.Factorize(40);
        var product = Fixtures.MatMul(factors.A, factors.B, 40, 40, 64);

        var maxDiff = product.Select((p, i) => Math.Abs(p - weight.Values[i])).Max();
        Assert.True(maxDiff <= 1e-4, $"max |A·B − W| = {maxDiff}");
    }

    [Theory]
    [InlineData(64, 96)]
    [InlineData(96, 64)]
    public void Truncation_error_from_the_spectrum_equals_the_error_of_the_truncated_factors(int rows, int columns)
    {
        var weight = Fixtures.DecayingWeight(rows, columns, innerRank: 24, seed: 21);
        using var decomposition = new LowRankFactorizer().Decompose("w", weight);

        foreach (var rank in new[] { 1, 8, 24, 40 })
        {
            var factors = decomposition.Factorize(rank);
            var product = Fixtures.MatMul(factors.A, factors.B, rows, rank, columns);
            var actual = Fixtures.FrobeniusDistance(product, weight.Values);

            // fp32 factors: relative agreement to 1e-3 of ‖W‖ (round-off ~1e-6 per entry, summed in quadrature).
            var tolerance = 1e-3 * decomposition.FrobeniusNorm;
            Assert.InRange(decomposition.TruncationError(rank), actual - tolerance, actual + tolerance);
            Assert.InRange(factors.ResidualNorm, actual - tolerance, actual + tolerance);
        }
    }

    [Fact]
    public void Singular_values_match_libtorch_svdvals_in_fp64()
    {
        var weight = Fixtures.DecayingWeight(32, 72, innerRank: 12, seed: 31);
        using var decomposition = new LowRankFactorizer(new LowRankOptions(GramPrecision.Float64)).Decompose("w", weight);

        using var reference = torch.linalg.svdvals(torch.tensor(weight.Values, [32, 72], torch.ScalarType.Float64));
        var expected = reference.data<double>().ToArray();

        // fp64 Gram: σ_k accurate to ~1e-7·σ_max; the fp32 input is exact in fp64.
        var sigma = decomposition.SingularValues();
        Assert.All(sigma.Zip(expected), p => Assert.Equal(p.Second, p.First, 1e-5 * expected[0]));
        Assert.Equal(Math.Sqrt(expected.Sum(s => s * s)), decomposition.FrobeniusNorm, 1e-6 * decomposition.FrobeniusNorm);
    }

    [Fact]
    public void Error_curve_starts_at_one_ends_at_zero_and_never_rises()
    {
        using var decomposition = new LowRankFactorizer().Decompose("w", Fixtures.DecayingWeight(24, 40, 8, seed: 41));

        var curve = decomposition.ErrorCurve();

        Assert.Equal(25, curve.Length);
        Assert.Equal(1.0, curve[0], 1e-9);
        Assert.Equal(0.0, curve[^1], 1e-9);
        Assert.All(curve.Zip(curve.Skip(1)), p => Assert.True(p.Second <= p.First));
    }
}
