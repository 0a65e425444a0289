using Gac.Compression.Planning;
using Gac.Compression.Pruning;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Tests.Pruning;

/// <summary>compress.ratio for prune is a share of the compressible linear parameters, as for low rank.</summary>
public sealed class PruningBudgetTests
{
    /// <summary>Llama-like blocks: 64 MLP channels of 3·48 weights and 6 heads of 4·48·8 weights each, seeded scores.</summary>
    private static GroupImportance[] Blocks(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).SelectMany(b => new[]
        {
            new GroupImportance($"b{b}.mlp", TargetKind.MlpChannels, b, Scores(random, 64), 3 * 48, 48),
            new GroupImportance($"b{b}.attn", TargetKind.AttentionHeads, b, Scores(random, 6), 4 * 48 * 8, 0),
        }).ToArray();
    }

    private static double[] Scores(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();

    private static long Removed(IReadOnlyList<PrunedGroup> plan) => plan.Sum(p => (p.Group.Units - p.Kept.Count) * p.Group.ParamsPerUnit);

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.15)]
    [InlineData(0.3)]
    [InlineData(0.6)]
    public void Removed_parameters_are_the_ratio_of_the_compressible_parameters_within_one_unit(double ratio)
    {
        var groups = Blocks(4, seed: 11);
        const long compressible = 4 * ((3 * 48 * 64) + (4 * 48 * 48));

        var plan = StructuredPruning.Plan(groups, new PruningOptions(ratio, CompressibleParameters: compressible));

        // Tolerance: half an MLP channel (3·48 / 2 = 72 weights); the heads' rounding error is carried
        // over to the channels, so it does not add a head's 1,536 weights.
        Assert.InRange(Removed(plan), (ratio * compressible) - 72, (ratio * compressible) + 72);
        Assert.Contains(plan, p => p.Group.Kind == TargetKind.MlpChannels && p.Kept.Count < p.Group.Units);
        Assert.Contains(plan, p => p.Group.Kind == TargetKind.AttentionHeads && p.Kept.Count < p.Group.Units);
    }

    [Fact]
    public void Mlp_only_pruning_takes_the_whole_budget_from_mlp_channels_counting_attention_in_the_base()
    {
        var groups = Blocks(4, seed: 5);
        const long compressible = 4 * ((3 * 48 * 64) + (4 * 48 * 48));

        var plan = StructuredPruning.Plan(groups, new PruningOptions(0.2, MlpOnly: true, CompressibleParameters: compressible));

        // Within half an MLP channel (3·48 / 2 = 72 weights) of 20% of all compressible weights.
        Assert.InRange(Removed(plan), (0.2 * compressible) - 72, (0.2 * compressible) + 72);
        Assert.All(plan.Where(p => p.Group.Kind == TargetKind.AttentionHeads), p => Assert.Equal(p.Group.Units, p.Kept.Count));
    }

    [Fact]
    public void A_ratio_beyond_what_the_prunable_groups_hold_fails_with_GAC2502_naming_the_largest_feasible_ratio()
    {
        // Two MLPs of 4 channels × 10 can remove 2 × 3 × 10 = 60 of a 200-parameter base: at most 0.3.
        GroupImportance[] groups = [new("mlp0", TargetKind.MlpChannels, 0, [1, 2, 3, 4], 10, 0), new("mlp1", TargetKind.MlpChannels, 1, [4, 3, 2, 1], 10, 0)];
        var options = new PruningOptions(0.35, MlpOnly: true, CompressibleParameters: 200);

        var error = Assert.Throws<GacException>(() => StructuredPruning.Plan(groups, options));

        Assert.Equal("GAC2502", error.Diagnostics[0].Code);
        Assert.Contains("at most 0.3 (30%)", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(0.3, StructuredPruning.MaxRatio(groups, options), 12);
        Assert.Equal(60, Removed(StructuredPruning.Plan(groups, options with { Ratio = 0.3 })));
    }

    [Fact]
    public void Ratio_zero_removes_nothing()
    {
        var plan = StructuredPruning.Plan(Blocks(2, seed: 3), new PruningOptions(0));

        Assert.Equal(0, Removed(plan));
    }
}
