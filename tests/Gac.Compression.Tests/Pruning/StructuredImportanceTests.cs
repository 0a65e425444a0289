using Gac.Compression.Planning;
using Gac.Compression.Pruning;
using Gac.Core.Calibration;

namespace Gac.Compression.Tests.Pruning;

public sealed class StructuredImportanceTests
{
    private static ActivationStatistics Statistics(int channels, params float[][] rows)
    {
        var s = new ActivationStatistics(channels);
        foreach (var row in rows)
        {
            s.Accumulate(row);
        }
        return s;
    }

    [Fact]
    public void MLP_channel_importance_sums_abs_weight_times_input_norm_over_gate_up_columns_and_down_row()
    {
        // hidden 2, width 3; input norms (3, 4) from one row [3, 4]… plus [0, 0]; intermediate norms (1, 2, 0).
        var up = new WeightMatrix(2, 3, [1, -2, 0, 0.5f, 0, 1]);
        var gate = new WeightMatrix(2, 3, [0, 1, 1, -1, 0, 0]);
        var down = new WeightMatrix(3, 2, [1, 1, -3, 0, 5, 5]);
        var mlp = new MlpWeights("mlp", 0, up, down, gate);

        var importance = StructuredImportance.MlpChannels(mlp, Statistics(2, [3, 4], [0, 0]), Statistics(3, [1, 2, 0]));

        // channel 0: up 1·3 + 0.5·4, gate 0·3 + 1·4, down (1+1)·1 = 5 + 4 + 2 = 11
        // channel 1: up 2·3, gate 1·3, down 3·2 = 6 + 3 + 6 = 15
        // channel 2: up 1·4, gate 1·3, down 10·0 = 7
        Assert.Equal([11.0, 15.0, 7.0], importance.UnitScores);
        Assert.Equal(TargetKind.MlpChannels, importance.Kind);
        Assert.Equal(2 + 2 + 2, importance.ParamsPerUnit);
    }

    [Fact]
    public void Head_importance_covers_the_heads_columns_in_every_section_of_a_fused_qkv_and_its_output_rows()
    {
        // 2 heads of dim 1, hidden 1, fused qkv [1, 6] = q0 q1 | k0 k1 | v0 v1.
        var qkv = new WeightMatrix(1, 6, [1, 10, 2, 20, 3, 30]);
        var output = new WeightMatrix(2, 1, [4, 40]);
        var attention = new AttentionWeights("attn", 0, 2, 1, [qkv], output);

        var importance = StructuredImportance.Heads(attention, Statistics(1, [2]), Statistics(2, [1, 1]));

        // head 0: (1+2+3)·2 + 4·1 = 16; head 1: (10+20+30)·2 + 40·1 = 160
        Assert.Equal([16.0, 160.0], importance.UnitScores);
        Assert.Equal(3 * 1 * 1 + 1 * 1, importance.ParamsPerUnit);
    }

    [Fact]
    public void A_channel_with_large_weights_but_silent_inputs_ranks_below_a_small_active_one()
    {
        var up = new WeightMatrix(1, 2, [100, 1]);
        var down = new WeightMatrix(2, 1, [100, 1]);
        var mlp = new MlpWeights("mlp", 0, up, down);

        var importance = StructuredImportance.MlpChannels(mlp, Statistics(1, [1]), Statistics(2, [0, 1]));

        // channel 0: 100·1 + 100·0 = 100, channel 1: 1 + 1 = 2 — silent input still counts through up.
        Assert.Equal([100.0, 2.0], importance.UnitScores);
        var activeOnly = StructuredImportance.MlpChannels(mlp, Statistics(1, [0.001f]), Statistics(2, [0, 1]));
        Assert.True(activeOnly.UnitScores[0] < activeOnly.UnitScores[1]);
    }
}
