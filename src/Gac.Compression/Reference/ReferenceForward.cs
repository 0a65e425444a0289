using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Gac.Compression.Reference;

/// <summary>
/// The prefill forward pass of a Llama-family or GPT-2 model in TorchSharp, written from the
/// architectures' definitions (transformers' modeling_llama.py / modeling_gpt2.py) on the checkpoint's
/// own layouts (HF Linear weights [out, in], GPT-2 Conv1D weights [in, out]), independently of the ONNX
/// exporter, so the two can check each other. The example trainer (build/train-example-lm) trains
/// through the same pass, so the model it writes is the model this reads. fp32 throughout.
/// </summary>
public static class ReferenceForward
{
    /// <summary>
    /// Logits [batch, seq, vocab] row-major for token ids [batch, seq] row-major. Weights are read
    /// block by block; only one block's tensors are alive at a time.
    /// </summary>
    public static float[] Logits(TransformerConfig config, ICheckpointTensors weights, long[] tokenIds, int batch, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(tokenIds.Length, batch * sequence, nameof(tokenIds));
        TorchRuntime.EnsureLoaded();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var names = CheckpointTensorNames.Detect(config.Family, weights);
            ICheckpointTensors source = config.FusedProjections ? new FusedProjectionSplit(config, weights, names) : weights;
            var logits = Logits(config, names, name => tensor(source.ReadFloat32(name), [.. source.Shape(name)]), tensor(tokenIds, [batch, sequence]));
            return logits.contiguous().data<float>().ToArray();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            throw GacException.Create(DiagnosticCatalogue.TorchOperationFailed, $"Reference forward of '{weights.Source}' failed: {e.Message}", inner: e);
        }
    }

    /// <summary>
    /// ids int64 [batch, seq] → logits [batch, seq, vocab]. <paramref name="weight"/> gives the tensor
    /// stored under a Hugging Face name: tensors it creates are disposed with the block that asked
    /// for them; tensors it hands out from elsewhere (a training loop's parameters) are left alone, and
    /// gradients flow into them.
    /// </summary>
    /// <param name="rotary">
    /// RoPE rows for positions 0 … (at least seq − 1); null computes them as transformers does at
    /// inference (<see cref="RotaryTables"/>). The example trainer passes the tables it trains with.
    /// </param>
    public static Tensor Logits(TransformerConfig config, CheckpointTensorNames names, Func<string, Tensor> weight, Tensor ids, RotaryTables? rotary = null)
    {
        var sequence = checked((int)ids.shape[1]);
        if (sequence > config.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"{sequence} tokens exceed the model's {config.MaxPositions} positions.");
        }

        var model = new Weights(weight, names);
        return config.Family == TransformerFamily.Llama
            ? Llama(config, model, ids, sequence, rotary ?? RotaryTables.Create(config, sequence))
            : Gpt2(config, model, ids, sequence);
    }

    private static Tensor Llama(TransformerConfig c, Weights w, Tensor ids, int s, RotaryTables rotary)
    {
        var n = w.Names;
        var h = w.Get(n.Embedding).index_select(0, ids.flatten()).view(ids.shape[0], s, c.HiddenSize);
        var cos = tensor(rotary.Cos, [rotary.Positions, rotary.RotaryDim]).narrow(0, 0, s);
        var sin = tensor(rotary.Sin, [rotary.Positions, rotary.RotaryDim]).narrow(0, 0, s);
        for (var i = 0; i < c.Layers; i++)
        {
            using var block = NewDisposeScope();
            var x = RmsNorm(h, w.Get(n.BlockNorm(i, true) + ".weight"), c.NormEpsilon);
            var q = Heads(w.Linear(x, n.AttentionLinear(i, "q_proj"), c.QkvBias), c.Heads, c.HeadDim);
            var k = Heads(w.Linear(x, n.AttentionLinear(i, "k_proj"), c.QkvBias), c.KvHeads, c.HeadDim);
            var v = Heads(w.Linear(x, n.AttentionLinear(i, "v_proj"), c.QkvBias), c.KvHeads, c.HeadDim);
            if (c.QkNorm)
            {
                // Qwen3: RMSNorm of each head's q and k (weights [head_dim]) before RoPE.
                q = RmsNorm(q, w.Get(n.AttentionLinear(i, "q_norm") + ".weight"), c.NormEpsilon);
                k = RmsNorm(k, w.Get(n.AttentionLinear(i, "k_norm") + ".weight"), c.NormEpsilon);
            }

            q = Rotate(q, cos, sin);
            k = Rotate(k, cos, sin);
            // transformers' repeat_kv: query head j reads key/value head j / n_rep, each kv head repeated in place.
            var groups = c.Heads / c.KvHeads;
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
            var context = Attend(q, k, v, c.UsesSlidingWindow(i) ? c.SlidingWindow : null);
            h = (h + w.Linear(context, n.AttentionLinear(i, "o_proj"), c.OutputBias)).MoveToOuterDisposeScope();

            x = RmsNorm(h, w.Get(n.BlockNorm(i, false) + ".weight"), c.NormEpsilon);
            var gate = F.silu(w.Linear(x, n.MlpLinear(i, "gate_proj"), c.MlpBias));
            var up = w.Linear(x, n.MlpLinear(i, "up_proj"), c.MlpBias);
            h = (h + w.Linear(gate * up, n.MlpLinear(i, "down_proj"), c.MlpBias)).MoveToOuterDisposeScope();
        }

        h = RmsNorm(h, w.Get(n.FinalNorm + ".weight"), c.NormEpsilon);
        return F.linear(h, c.TieWordEmbeddings ? w.Get(n.Embedding) : w.Get(n.LmHead + ".weight"));
    }

    private static Tensor Gpt2(TransformerConfig c, Weights w, Tensor ids, int s)
    {
        var n = w.Names;
        using var stop = s.ToScalar();
        var positions = arange(stop, ScalarType.Int64);
        var h = w.Get(n.Embedding).index_select(0, ids.flatten()).view(ids.shape[0], s, c.HiddenSize)
            + w.Get(n.PositionEmbedding).index_select(0, positions);
        for (var i = 0; i < c.Layers; i++)
        {
            using var block = NewDisposeScope();
            var x = LayerNorm(h, w, n.BlockNorm(i, true), c.NormEpsilon);
            var qkv = w.Conv1D(x, n.AttentionLinear(i, "c_attn"));
            var parts = qkv.split(c.HiddenSize, dim: -1);
            var context = Attend(Heads(parts[0], c.Heads, c.HeadDim), Heads(parts[1], c.Heads, c.HeadDim), Heads(parts[2], c.Heads, c.HeadDim), window: null);
            h = (h + w.Conv1D(context, n.AttentionLinear(i, "c_proj"))).MoveToOuterDisposeScope();

            x = LayerNorm(h, w, n.BlockNorm(i, false), c.NormEpsilon);
            var inner = GeluTanh(w.Conv1D(x, n.MlpLinear(i, "c_fc")));
            h = (h + w.Conv1D(inner, n.MlpLinear(i, "c_proj"))).MoveToOuterDisposeScope();
        }

        h = LayerNorm(h, w, n.FinalNorm, c.NormEpsilon);
        return F.linear(h, w.Get(n.Embedding));
    }

    /// <summary>[b, s, heads·d] → [b, heads, s, d].</summary>
    private static Tensor Heads(Tensor x, int heads, int headDim) => x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2);

    /// <summary>
    /// softmax(q·kᵀ/√d + mask)·v, merged back to [b, s, heads·d]. The mask hides later keys and, with a
    /// sliding window w, keys w or more positions back (query q sees q − w + 1 … q). 1/√d is SDPA's
    /// default scale and both families' (HF self.scaling); "is_casual" is TorchSharp's spelling.
    /// </summary>
    private static Tensor Attend(Tensor q, Tensor k, Tensor v, int? window)
    {
        var s = q.shape[2];
        Tensor attended;
        if (window is { } w)
        {
            // A boolean attn_mask marks the keys each query may see.
            var seen = ones(s, s, ScalarType.Bool).tril().logical_and(ones(s, s, ScalarType.Bool).tril(-w).logical_not());
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask: seen);
        }
        else
        {
            attended = F.scaled_dot_product_attention(q, k, v, is_casual: true);
        }

        var context = attended.transpose(1, 2).contiguous();
        return context.view(context.shape[0], s, -1);
    }

    /// <summary>
    /// x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] (transformers' Llama RoPE layout), on
    /// the leading cos.shape[-1] dims; any dims after them pass through (partial rotary width).
    /// </summary>
    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        var width = cos.shape[^1];
        if (width == x.shape[^1])
        {
            return Turn(x, cos, sin);
        }

        return cat([Turn(x.narrow(-1, 0, width), cos, sin), x.narrow(-1, width, x.shape[^1] - width)], -1);
    }

    private static Tensor Turn(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], -1);
        return (x * cos) + (rotated * sin);
    }

    /// <summary>RMSNorm (Zhang &amp; Sennrich 2019; HF LlamaRMSNorm): w · x / √(mean(x²) + ε).</summary>
    /// <remarks>
    /// Constants are explicit Scalars held by `using` until the expression is done: TorchSharp does not keep an
    /// implicitly converted Scalar alive across the native call, so the GC may free it mid-call under load.
    /// </remarks>
    private static Tensor RmsNorm(Tensor x, Tensor weight, double epsilon)
    {
        using var two = 2.ToScalar();
        using var eps = epsilon.ToScalar();
        return weight * (x * (x.pow(two).mean([-1], keepdim: true) + eps).rsqrt());
    }

    private static Tensor LayerNorm(Tensor x, Weights w, string name, double epsilon)
    {
        using var two = 2.ToScalar();
        using var eps = epsilon.ToScalar();
        var mean = x.mean([-1], keepdim: true);
        var centered = x - mean;
        var variance = centered.pow(two).mean([-1], keepdim: true);
        return (centered * (variance + eps).rsqrt() * w.Get(name + ".weight")) + w.Get(name + ".bias");
    }

    /// <summary>gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel 2016, GPT-2's activation).</summary>
    private static Tensor GeluTanh(Tensor x)
    {
        using var half = 0.5.ToScalar();
        using var one = 1.ToScalar();
        using var cubic = 0.044715.ToScalar();
        using var three = 3.ToScalar();
        using var slope = Math.Sqrt(2 / Math.PI).ToScalar();
        return half * x * (one + ((x + (cubic * x.pow(three))) * slope).tanh());
    }

    private sealed class Weights(Func<string, Tensor> get, CheckpointTensorNames names)
    {
        public CheckpointTensorNames Names => names;

        public Tensor Get(string name) => get(name);

        /// <summary>nn.Linear: y = x·Wᵀ + b with W stored [out, in].</summary>
        public Tensor Linear(Tensor x, string module, bool bias)
            => F.linear(x, Get(module + ".weight"), bias ? Get(module + ".bias") : null);

        /// <summary>GPT-2's Conv1D: y = x·W + b with W stored [in, out].</summary>
        public Tensor Conv1D(Tensor x, string module) => x.matmul(Get(module + ".weight")) + Get(module + ".bias");
    }
}
