using Gac.Compression.LowRank;
using Gac.Compression.Planning;

namespace Gac.Compression.Tests.LowRank;

public sealed class RankAllocatorTests
{
    /// <summary>Eight layers of mixed shapes and spectra: some compress well, some do not.</summary>
    private static List<LayerSensitivity> Sensitivities()
    {
        var shapes = new (int Rows, int Columns, int InnerRank)[]
        {
            (64, 64, 4), (64, 64, 48), (64, 160, 8), (160, 64, 40), (64, 32, 6), (64, 32, 30), (96, 96, 12), (96, 96, 64),
        };
        var factorizer = new LowRankFactorizer();
        var result = new List<LayerSensitivity>();
        for (var i = 0; i < shapes.Length; i++)
        {
            using var d = factorizer.Decompose($"layer{i}", Fixtures.DecayingWeight(shapes[i].Rows, shapes[i].Columns, shapes[i].InnerRank, seed: 100 + i));
            result.Add(LayerSensitivity.FromSpectrum(d));
        }
        return result;
    }

    [Theory]
    [InlineData(0.15)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void Sensitivity_allocation_meets_the_budget_within_one_percent(double compressionRatio)
    {
        var layers = Sensitivities();

        var allocation = RankAllocator.Allocate(layers, compressionRatio);

        var dense = layers.Sum(l => l.DenseParameters);
        Assert.Equal((long)Math.Floor((1 - compressionRatio) * dense), allocation.Budget);
        Assert.InRange(allocation.Parameters, (long)(0.99 * allocation.Budget), allocation.Budget);
    }

    [Fact]
    public void Sensitivity_allocation_gives_more_rank_to_layers_with_flatter_spectra()
    {
        var layers = Sensitivities();

        var allocation = RankAllocator.Allocate(layers, 0.3);

        // layer0 and layer1 have the same shape; layer1's spectrum (inner rank 48) decays far slower.
        Assert.True(allocation.Layers[1].Parameters > allocation.Layers[0].Parameters);
    }

    [Fact]
    public void Measured_output_error_scores_also_meet_the_budget()
    {
        var factorizer = new LowRankFactorizer();
        var x = Fixtures.Normal(128 * 48, seed: 7);
        var layers = new List<LayerSensitivity>();
        for (var i = 0; i < 4; i++)
        {
            using var d = factorizer.Decompose($"m{i}", Fixtures.DecayingWeight(48, 80, 4 + 12 * i, seed: 200 + i));
            layers.Add(LayerSensitivity.FromOutputError(d, x));
        }

        var allocation = RankAllocator.Allocate(layers, 0.4);

        Assert.InRange(allocation.Parameters, (long)(0.99 * allocation.Budget), allocation.Budget);
        Assert.All(layers, l => Assert.Equal(0.0, l.Scores[^1]));
    }

    [Fact]
    public void Uniform_allocation_uses_one_ratio_for_every_layer()
    {
        var allocation = RankAllocator.Uniform([("q", 4096, 4096), ("up", 4096, 14336), ("k", 4096, 1024)], 0.2);

        Assert.Equal([1638, 2548, 655], allocation.Layers.Select(l => l.Rank!.Value));
        Assert.True(allocation.Parameters <= allocation.Budget);
    }

    [Fact]
    public void Targets_carry_rank_units_break_even_and_the_error_curve()
    {
        var layers = Sensitivities();
        var allocation = RankAllocator.Allocate(layers, 0.3);

        var targets = allocation.ToTargets(layers);

        Assert.All(targets.Zip(allocation.Layers), p =>
        {
            var (target, layer) = p;
            Assert.Equal(TargetKind.LowRank, target.Kind);
            Assert.Equal(layer.Rows + layer.Columns, target.ParamsPerUnit);
            Assert.Equal(RankRatio.BreakEvenRank(layer.Rows, layer.Columns), target.MaxDim);
            Assert.Equal(target.MaxDim + 1, target.ErrorCurve!.Length);
            // A dense layer is expressed as the break-even rank: "nothing to gain from factoring".
            Assert.Equal(layer.Rank ?? target.MaxDim, target.TargetDim);
            if (layer.Rank is not null)
            {
                Assert.Equal(layer.Parameters, target.Parameters((long)target.TargetDim));
                Assert.True(target.Importance > 0);
            }
        });
    }
}
