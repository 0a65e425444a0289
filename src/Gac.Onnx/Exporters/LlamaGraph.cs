using Gac.Core.Model.Architectures;
using Gac.Onnx.Building;

namespace Gac.Onnx.Exporters;

/// <summary>
/// Llama / Mistral / Qwen2 / Qwen3 / Phi-3 (transformers' modeling_llama): embedding, per block
/// RMSNorm → attention with RoPE and grouped-query k/v (Qwen3: per-head q/k RMSNorm before RoPE) →
/// residual → RMSNorm → SwiGLU MLP → residual, final RMSNorm, LM head. Phi-3's fused projections
/// arrive split (<see cref="FusedProjectionSplit"/>).
/// </summary>
internal static class LlamaGraph
{
    public static void Build(DecoderGraph g)
    {
        var c = g.Config;
        var b = g.Builder;
        var n = g.Names;
        var (embedding, h) = g.EmbedTokens("embed_tokens/Gather");

        // Computed from the position ids at run time: any position the model's context allows, prefill or decode.
        var (cos, sin) = g.RotaryCosSin();

        for (var i = 0; i < c.Layers; i++)
        {
            var x = RmsNorm(g, n.BlockNorm(i, true), h);
            var prefix = n.Attention(i);
            var q = g.SplitHeads($"{prefix}/q", g.Linear(n.AttentionLinear(i, "q_proj"), x, c.HiddenSize, c.QueryWidth, c.QkvBias, storedOutIn: true), c.Heads);
            var k = g.SplitHeads($"{prefix}/k", g.Linear(n.AttentionLinear(i, "k_proj"), x, c.HiddenSize, c.KeyValueWidth, c.QkvBias, storedOutIn: true),
                c.KvHeads);
            var v = g.SplitHeads($"{prefix}/v", g.Linear(n.AttentionLinear(i, "v_proj"), x, c.HiddenSize, c.KeyValueWidth, c.QkvBias, storedOutIn: true),
                c.KvHeads);
            if (c.QkNorm)
            {
                // Qwen3Attention: q_norm / k_norm over each head's head_dim values, after the head split, before RoPE.
                q = RmsNorm(g, n.AttentionLinear(i, "q_norm"), q, c.HeadDim);
                k = RmsNorm(g, n.AttentionLinear(i, "k_norm"), k, c.HeadDim);
            }

            q = Rotate(g, $"{prefix}/q/rotary", q, cos, sin);
            k = Rotate(g, $"{prefix}/k/rotary", k, cos, sin);
            (k, v) = g.AppendToCache(i, prefix, k, v);
            k = RepeatKeyValueHeads(g, $"{prefix}/k", k);
            v = RepeatKeyValueHeads(g, $"{prefix}/v", v);
            var context = g.Attention(prefix, q, k, v, g.MaskFor(i));
            var attention = g.Linear(n.AttentionLinear(i, "o_proj"), context, c.QueryWidth, c.HiddenSize, c.OutputBias, storedOutIn: true);
            h = b.Node("Add", [h, attention], $"{prefix}/residual/Add");

            x = RmsNorm(g, n.BlockNorm(i, false), h);
            var mlp = n.Mlp(i);
            var gate = g.Linear(n.MlpLinear(i, "gate_proj"), x, c.HiddenSize, c.IntermediateSize, c.MlpBias, storedOutIn: true);
            var up = g.Linear(n.MlpLinear(i, "up_proj"), x, c.HiddenSize, c.IntermediateSize, c.MlpBias, storedOutIn: true);
            // SiLU(g) = g · sigmoid(g), spelled out (ONNX has no SiLU operator before opset 22's Swish).
            var silu = b.Node("Mul", [gate, b.Node("Sigmoid", [gate], $"{mlp}/act/Sigmoid")], $"{mlp}/act/Mul");
            var gated = b.Node("Mul", [silu, up], $"{mlp}/gate/Mul");
            var down = g.Linear(n.MlpLinear(i, "down_proj"), gated, c.IntermediateSize, c.HiddenSize, c.MlpBias, storedOutIn: true);
            h = b.Node("Add", [h, down], $"{mlp}/residual/Add");
        }

        h = RmsNorm(g, n.FinalNorm, h);
        g.Logits(h, c.TieWordEmbeddings ? embedding : null);
    }

    /// <summary>
    /// RMSNorm over the last axis: w · x / √(mean(x²) + ε), with Pow/ReduceMean/Sqrt/Div (no RMSNorm
    /// operator in opset 17). <paramref name="width"/>: hidden_size, or head_dim for Qwen3's q/k norms.
    /// </summary>
    private static string RmsNorm(DecoderGraph g, string module, string x, int? width = null)
    {
        var b = g.Builder;
        var squared = b.Node("Pow", [x, g.FloatScalar("const.two.f32", 2f)], $"{module}/Pow");
        var mean = g.ReduceMeanLastAxis(squared, $"{module}/ReduceMean");
        var shifted = b.Node("Add", [mean, g.FloatScalar($"const.norm_epsilon", (float)g.Config.NormEpsilon)], $"{module}/Add_epsilon");
        var normalized = b.Node("Div", [x, b.Node("Sqrt", [shifted], $"{module}/Sqrt")], $"{module}/Div");
        return b.Node("Mul", [normalized, g.Copy(module + ".weight", width ?? g.Config.HiddenSize)], $"{module}/Mul");
    }

    /// <summary>
    /// x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁] on [b, heads, s, d] and cos/sin
    /// [s, rotary_dim]. With a partial rotary width only the leading rotary_dim dims turn; the rest
    /// pass through unchanged (transformers' q_rot / q_pass).
    /// </summary>
    private static string Rotate(DecoderGraph g, string prefix, string x, string cos, string sin)
    {
        var b = g.Builder;
        var c = g.Config;
        var rotating = x;
        IReadOnlyList<string>? parts = null;
        if (c.RotaryDim < c.HeadDim)
        {
            parts = b.Node("Split", [x, g.Int64s($"const.rotary.split.{c.RotaryDim}x{c.HeadDim - c.RotaryDim}", c.RotaryDim, c.HeadDim - c.RotaryDim)], 2,
                $"{prefix}/Split_pass", OnnxAttributes.Int("axis", -1));
            rotating = parts[0];
        }

        var halves = g.SplitEqual(rotating, 2, $"{prefix}/Split");
        var negated = b.Node("Neg", [halves[1]], $"{prefix}/Neg");
        var rotated = b.Node("Concat", [negated, halves[0]], $"{prefix}/Concat", OnnxAttributes.Int("axis", -1));
        var cosTerm = b.Node("Mul", [rotating, cos], $"{prefix}/Mul_cos");
        var sinTerm = b.Node("Mul", [rotated, sin], $"{prefix}/Mul_sin");
        var turned = b.Node("Add", [cosTerm, sinTerm], $"{prefix}/Add");
        return parts is null ? turned : b.Node("Concat", [turned, parts[1]], $"{prefix}/Concat_pass", OnnxAttributes.Int("axis", -1));
    }

    /// <summary>
    /// Grouped-query attention: each of the KvHeads k/v heads serves Heads/KvHeads query heads
    /// (repeat_interleave on the head axis): [b, kv, s, d] → Unsqueeze → [b, kv, 1, s, d] →
    /// Expand by [1, 1, groups, 1, 1] → Reshape [b, kv·groups, s, d].
    /// </summary>
    private static string RepeatKeyValueHeads(DecoderGraph g, string prefix, string x)
    {
        var c = g.Config;
        if (c.KvHeads == c.Heads)
        {
            return x;
        }

        var groups = c.Heads / c.KvHeads;
        var b = g.Builder;
        var unsqueezed = b.Node("Unsqueeze", [x, g.Int64s("const.axis2", 2)], $"{prefix}/repeat/Unsqueeze");
        var expanded = b.Node("Expand", [unsqueezed, g.Int64s($"shape.repeat.{groups}", 1, 1, groups, 1, 1)], $"{prefix}/repeat/Expand");
        return b.Node("Reshape", [expanded, g.Int64s($"shape.repeated.{c.Heads}x{c.HeadDim}", 0, c.Heads, -1, c.HeadDim)], $"{prefix}/repeat/Reshape");
    }
}
