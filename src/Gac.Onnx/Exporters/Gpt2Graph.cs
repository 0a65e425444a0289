using Gac.Onnx.Building;

namespace Gac.Onnx.Exporters;

/// <summary>
/// GPT-2 prefill (transformers' modeling_gpt2): token + learned position embeddings, per block
/// LayerNorm → fused c_attn → attention → c_proj → residual → LayerNorm → c_fc → gelu_new →
/// c_proj → residual, final LayerNorm, LM head tied to the token embedding. Conv1D weights are
/// stored [in, out], MatMul's layout already.
/// </summary>
internal static class Gpt2Graph
{
    public static void Build(DecoderGraph g)
    {
        var c = g.Config;
        var b = g.Builder;
        var n = g.Names;
        var (embedding, tokens) = g.EmbedTokens("wte/Gather");
        // The whole learned table (n_positions rows) is the model's context: Gather fails at run time
        // on a position past it, the only honest answer for a position GPT-2 never learned.
        var positionTable = g.Copy(n.PositionEmbedding, c.MaxPositions, c.HiddenSize);
        var positions = b.Node("Gather", [positionTable, g.PositionIds], "wpe/Gather", OnnxAttributes.Int("axis", 0));
        var h = b.Node("Add", [tokens, positions], "embeddings/Add");

        for (var i = 0; i < c.Layers; i++)
        {
            var prefix = n.Attention(i);
            var x = LayerNorm(g, n.BlockNorm(i, true), h);
            var qkv = g.Linear(n.AttentionLinear(i, "c_attn"), x, c.HiddenSize, 3L * c.HiddenSize, bias: true, storedOutIn: false);
            var parts = g.SplitEqual(qkv, 3, $"{prefix}/qkv/Split");
            var q = g.SplitHeads($"{prefix}/q", parts[0], c.Heads);
            var k = g.SplitHeads($"{prefix}/k", parts[1], c.Heads);
            var v = g.SplitHeads($"{prefix}/v", parts[2], c.Heads);
            (k, v) = g.AppendToCache(i, prefix, k, v);
            var context = g.Attention(prefix, q, k, v, g.CausalMask);
            var attention = g.Linear(n.AttentionLinear(i, "c_proj"), context, c.HiddenSize, c.HiddenSize, bias: true, storedOutIn: false);
            h = b.Node("Add", [h, attention], $"{prefix}/residual/Add");

            var mlp = n.Mlp(i);
            x = LayerNorm(g, n.BlockNorm(i, false), h);
            var up = g.Linear(n.MlpLinear(i, "c_fc"), x, c.HiddenSize, c.IntermediateSize, bias: true, storedOutIn: false);
            var down = g.Linear(n.MlpLinear(i, "c_proj"), GeluTanh(g, mlp, up), c.IntermediateSize, c.HiddenSize, bias: true, storedOutIn: false);
            h = b.Node("Add", [h, down], $"{mlp}/residual/Add");
        }

        h = LayerNorm(g, n.FinalNorm, h);
        g.Logits(h, embedding);
    }

    private static string LayerNorm(DecoderGraph g, string module, string x)
    {
        var c = g.Config;
        return g.Builder.Node(
            "LayerNormalization",
            [x, g.Copy(module + ".weight", c.HiddenSize), g.Copy(module + ".bias", c.HiddenSize)],
            $"{module}/LayerNormalization",
            OnnxAttributes.Int("axis", -1),
            OnnxAttributes.Float("epsilon", (float)c.NormEpsilon));
    }

    /// <summary>gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh approximation GPT-2 was trained with.</summary>
    private static string GeluTanh(DecoderGraph g, string prefix, string x)
    {
        var b = g.Builder;
        var cubed = b.Node("Pow", [x, g.FloatScalar("const.three.f32", 3f)], $"{prefix}/act/Pow");
        var inner = b.Node("Add", [x, b.Node("Mul", [cubed, g.FloatScalar("const.gelu.coefficient", 0.044715f)], $"{prefix}/act/Mul_cubic")],
            $"{prefix}/act/Add_cubic");
        var scaled = b.Node("Mul", [inner, g.FloatScalar("const.gelu.sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))], $"{prefix}/act/Mul_sqrt");
        var onePlus = b.Node("Add", [b.Node("Tanh", [scaled], $"{prefix}/act/Tanh"), g.FloatScalar("const.one.f32", 1f)], $"{prefix}/act/Add_one");
        var half = b.Node("Mul", [x, g.FloatScalar("const.half.f32", 0.5f)], $"{prefix}/act/Mul_half");
        return b.Node("Mul", [half, onePlus], $"{prefix}/act/Mul");
    }
}
