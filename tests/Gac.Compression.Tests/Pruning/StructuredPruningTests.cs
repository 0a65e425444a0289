using Gac.Compression.Planning;
using Gac.Compression.Pruning;

namespace Gac.Compression.Tests.Pruning;

public sealed class StructuredPruningTests
{
    private static GroupImportance Mlp(int block, params double[] scores) => new($"mlp{block}", TargetKind.MlpChannels, block, scores, 10, 1);

    private static GroupImportance Heads(int block, params double[] scores) => new($"attn{block}", TargetKind.AttentionHeads, block, scores, 40, 0);

    [Fact]
    public void Pruning_ranks_channels_globally_across_blocks()
    {
        var groups = new[] { Mlp(0, 1, 9, 8, 7), Mlp(1, 2, 3, 4, 9), Mlp(2, 9, 9, 9, 9) };

        var plan = StructuredPruning.Plan(groups, new PruningOptions(Ratio: 0.25, CompressibleParameters: 120));

        // 25% of 120 parameters is 30 = three channels of 10: the three lowest scores, 1 (block0 #0),
        // 2 and 3 (block1 #0, #1); block 2 untouched.
        Assert.Equal([1, 2, 3], plan[0].Kept);
        Assert.Equal([2, 3], plan[1].Kept);
        Assert.Equal([0, 1, 2, 3], plan[2].Kept);
    }

    [Fact]
    public void Kept_first_and_last_blocks_and_mlp_only_are_left_whole()
    {
        var groups = new[] { Mlp(0, 1, 1), Heads(0, 1, 1), Mlp(1, 5, 6), Heads(1, 5, 6), Mlp(2, 1, 1) };

        // Only block 1's MLP is eligible; half of a 20-parameter base is its one removable channel.
        var plan = StructuredPruning.Plan(groups, new PruningOptions(Ratio: 0.5, KeepFirstBlocks: 1, KeepLastBlocks: 1, MlpOnly: true,
            CompressibleParameters: 20));

        Assert.Equal([0, 1], plan[0].Kept);
        Assert.Equal([0, 1], plan[1].Kept);
        Assert.Equal([1], plan[2].Kept);
        Assert.Equal([0, 1], plan[3].Kept);
        Assert.Equal([0, 1], plan[4].Kept);
    }

    [Fact]
    public void A_group_always_keeps_at_least_one_unit()
    {
        // Target 30 of 60: the three lowest are 1, 2 (block 0's last, skipped) and 50, 60.
        var plan = StructuredPruning.Plan([Mlp(0, 1, 2), Mlp(1, 50, 60, 70, 80)], new PruningOptions(Ratio: 0.5, CompressibleParameters: 60));

        Assert.Equal([1], plan[0].Kept);
        Assert.Equal([2, 3], plan[1].Kept);
    }

    [Fact]
    public void Target_has_the_lost_importance_curve_and_the_group_parameter_units()
    {
        // 34% of the group's 31 parameters is 10.5: one channel.
        var plan = StructuredPruning.Plan([Mlp(0, 1, 3, 6)], new PruningOptions(Ratio: 0.34));

        var target = plan[0].ToTarget();

        Assert.Equal(3, target.MaxDim);
        Assert.Equal(2, target.TargetDim);
        Assert.Equal([1.0, 0.4, 0.1, 0.0], target.ErrorCurve!.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.1 / 10, target.Importance, 1e-12);
        Assert.Equal(1 + 2 * 10, target.Parameters(2));
    }
}
