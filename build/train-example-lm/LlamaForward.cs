using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Gac.Examples.TrainLm;

/// <summary>
/// LlamaForCausalLM's forward pass over <see cref="LlamaWeights"/>, step for step as
/// transformers' modeling_llama.py: pre-norm residual blocks, GQA attention with RoPE, SwiGLU MLP.
/// </summary>
public sealed class LlamaForward : IDisposable
{
    private readonly LlamaWeights weights;
    private readonly RotaryEmbedding rope;

    public LlamaForward(LlamaWeights weights)
    {
        this.weights = weights;
        var c = weights.Config;
        rope = new RotaryEmbedding(c.HeadDim, c.MaxPositionEmbeddings, c.RopeTheta);
    }

    public int VocabSize => weights.Config.VocabSize;

    /// <summary>ids: int64 [batch, seq] → logits [batch, seq, vocab].</summary>
    public Tensor Logits(Tensor ids)
    {
        var c = weights.Config;
        var (batch, seq) = (ids.shape[0], ids.shape[1]);
        var x = weights["model.embed_tokens.weight"].index_select(0, ids.flatten()).view(batch, seq, c.HiddenSize);
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            x = x + Attention(RmsNorm(x, weights[p + "input_layernorm.weight"]), p + "self_attn.");
            x = x + Mlp(RmsNorm(x, weights[p + "post_attention_layernorm.weight"]), p + "mlp.");
        }
        return F.linear(RmsNorm(x, weights["model.norm.weight"]), weights["lm_head.weight"]);
    }

    /// <summary>HF LlamaRMSNorm: x · rsqrt(mean(x²) + eps) · weight (computed in fp32, as here).</summary>
    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        var variance = x.pow(2).mean([-1L], keepdim: true);
        return weight * (x * torch.rsqrt(variance + weights.Config.RmsNormEps));
    }

    private Tensor Attention(Tensor h, string prefix)
    {
        var c = weights.Config;
        var (batch, seq) = (h.shape[0], h.shape[1]);
        var q = F.linear(h, weights[prefix + "q_proj.weight"]).view(batch, seq, c.NumAttentionHeads, c.HeadDim).transpose(1, 2);
        var k = F.linear(h, weights[prefix + "k_proj.weight"]).view(batch, seq, c.NumKeyValueHeads, c.HeadDim).transpose(1, 2);
        var v = F.linear(h, weights[prefix + "v_proj.weight"]).view(batch, seq, c.NumKeyValueHeads, c.HeadDim).transpose(1, 2);
        q = rope.Apply(q);
        k = rope.Apply(k);
        // HF repeat_kv: query head j reads key/value head j / n_rep, i.e. each kv head repeated in place.
        if (c.KeyValueGroups > 1)
        {
            k = k.repeat_interleave(c.KeyValueGroups, dim: 1);
            v = v.repeat_interleave(c.KeyValueGroups, dim: 1);
        }
        // Scale 1/sqrt(head_dim) is SDPA's default and HF's self.scaling. ("is_casual" is TorchSharp's spelling.)
        var attended = F.scaled_dot_product_attention(q, k, v, is_casual: true);
        var merged = attended.transpose(1, 2).contiguous().view(batch, seq, c.NumAttentionHeads * c.HeadDim);
        return F.linear(merged, weights[prefix + "o_proj.weight"]);
    }

    private Tensor Mlp(Tensor h, string prefix)
    {
        var gate = F.silu(F.linear(h, weights[prefix + "gate_proj.weight"]));
        var up = F.linear(h, weights[prefix + "up_proj.weight"]);
        return F.linear(gate * up, weights[prefix + "down_proj.weight"]);
    }

    public void Dispose() => rope.Dispose();
}
