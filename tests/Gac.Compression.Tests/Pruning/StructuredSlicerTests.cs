using Gac.Compression.Pruning;

namespace Gac.Compression.Tests.Pruning;

public sealed class StructuredSlicerTests
{
    private const int Hidden = 6;
    private const int Tokens = 5;

    private static float[]? Bias(int n, int seed) => Fixtures.Normal(n, seed);

    /// <summary>SwiGLU MLP: (silu(x·G + bg) ⊙ (x·U + bu))·D + bd, with a 0/1 mask on the intermediate channels.</summary>
    private static double[] Forward(MlpWeights m, float[] x, bool[]? keep = null)
    {
        var u = Fixtures.MatMul(x, m.Up.Values, Tokens, m.Hidden, m.Width);
        var g = Fixtures.MatMul(x, m.Gate!.Values, Tokens, m.Hidden, m.Width);
        var h = new float[Tokens * m.Width];
        for (var t = 0; t < Tokens; t++)
        {
            for (var j = 0; j < m.Width; j++)
            {
                var gate = g[t * m.Width + j] + m.GateBias![j];
                var silu = gate / (1 + Math.Exp(-gate));
                h[t * m.Width + j] = keep is null || keep[j] ? (float)(silu * (u[t * m.Width + j] + m.UpBias![j])) : 0f;
            }
        }
        var y = Fixtures.MatMul(h, m.Down.Values, Tokens, m.Width, m.Down.Columns);
        return y.Select((v, i) => v + m.DownBias![i % m.Down.Columns]).ToArray();
    }

    [Fact]
    public void A_sliced_MLP_computes_what_the_original_computes_with_the_pruned_channels_zeroed()
    {
        const int width = 10;
        var mlp = new MlpWeights("mlp", 0,
            Up: Fixtures.Weight(Hidden, width, 1), Down: Fixtures.Weight(width, Hidden, 2), Gate: Fixtures.Weight(Hidden, width, 3),
            UpBias: Bias(width, 4), GateBias: Bias(width, 5), DownBias: Bias(Hidden, 6));
        int[] kept = [0, 3, 4, 8];
        var x = Fixtures.Normal(Tokens * Hidden, seed: 7);

        var sliced = StructuredSlicer.Slice(mlp, kept);

        var expected = Forward(mlp, x, Enumerable.Range(0, width).Select(kept.Contains).ToArray());
        var actual = Forward(sliced, x);
        Assert.Equal(4, sliced.Width);
        // Same fp32 inputs, same double arithmetic on the kept channels: agreement to round-off.
        Assert.All(actual.Zip(expected), p => Assert.Equal(p.Second, p.First, 1e-9));
    }

    /// <summary>Multi-head self-attention over one sequence with q|k|v fused; a 0/1 mask on heads.</summary>
    private static double[] Attention(AttentionWeights a, float[] x, bool[]? keep = null)
    {
        var w = a.HeadWidth;
        var qkv = Fixtures.MatMul(x, a.Projections[0].Values, Tokens, Hidden, 3 * w);
        var bias = a.ProjectionBiases![0]!;
        double At(int t, int section, int h, int d) => qkv[t * 3 * w + section * w + h * a.HeadDim + d] + bias[section * w + h * a.HeadDim + d];
        var context = new float[Tokens * w];
        for (var h = 0; h < a.HeadCount; h++)
        {
            if (keep is not null && !keep[h])
            {
                continue;
            }
            for (var t = 0; t < Tokens; t++)
            {
                var logits = Enumerable.Range(0, Tokens)
                    .Select(s => Enumerable.Range(0, a.HeadDim).Sum(d => At(t, 0, h, d) * At(s, 1, h, d)) / Math.Sqrt(a.HeadDim))
                    .ToArray();
                var max = logits.Max();
                var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
                var total = weights.Sum();
                for (var d = 0; d < a.HeadDim; d++)
                {
                    context[t * w + h * a.HeadDim + d] = (float)Enumerable.Range(0, Tokens).Sum(s => weights[s] / total * At(s, 2, h, d));
                }
            }
        }
        var y = Fixtures.MatMul(context, a.Output.Values, Tokens, w, Hidden);
        return y.Select((v, i) => v + a.OutputBias![i % Hidden]).ToArray();
    }

    [Fact]
    public void A_sliced_fused_qkv_attention_computes_what_the_original_computes_with_the_pruned_heads_zeroed()
    {
        const int heads = 4, headDim = 3;
        var attention = new AttentionWeights("attn", 0, heads, headDim,
            Projections: [Fixtures.Weight(Hidden, 3 * heads * headDim, 11)],
            Output: Fixtures.Weight(heads * headDim, Hidden, 12),
            ProjectionBiases: [Bias(3 * heads * headDim, 13)],
            OutputBias: Bias(Hidden, 14));
        int[] kept = [1, 3];
        var x = Fixtures.Normal(Tokens * Hidden, seed: 15);

        var sliced = StructuredSlicer.Slice(attention, kept);

        var expected = Attention(attention, x, Enumerable.Range(0, heads).Select(kept.Contains).ToArray());
        var actual = Attention(sliced, x);
        Assert.Equal(2, sliced.HeadCount);
        Assert.Equal(3 * 2 * headDim, sliced.Projections[0].Columns);
        Assert.All(actual.Zip(expected), p => Assert.Equal(p.Second, p.First, 1e-9));
    }

    [Fact]
    public void Kept_indices_must_be_ascending_and_in_range()
    {
        var mlp = new MlpWeights("mlp", 0, Fixtures.Weight(2, 4, 1), Fixtures.Weight(4, 2, 2));

        Assert.Throws<ArgumentException>(() => StructuredSlicer.Slice(mlp, [2, 1]));
        Assert.Throws<ArgumentException>(() => StructuredSlicer.Slice(mlp, [0, 4]));
        Assert.Throws<ArgumentException>(() => StructuredSlicer.Slice(mlp, []));
    }
}
