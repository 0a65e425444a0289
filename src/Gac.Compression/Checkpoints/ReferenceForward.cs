using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// The prefill forward pass of a Llama-family or GPT-2 checkpoint in TorchSharp, written from the
/// architectures' definitions on the checkpoint's own layouts (HF Linear weights [out, in], GPT-2
/// Conv1D weights [in, out]), independently of the ONNX exporter, so the two can check each other.
/// Weights are read block by block; only one block's tensors are alive at a time. fp32 throughout.
/// </summary>
public static class ReferenceForward
{
    /// <summary>Logits [batch, seq, vocab] row-major for token ids [batch, seq] row-major.</summary>
    public static float[] Logits(TransformerConfig config, ICheckpointTensors weights, long[] tokenIds, int batch, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(tokenIds.Length, batch * sequence, nameof(tokenIds));
        if (sequence > config.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), $"{sequence} tokens exceed the model's {config.MaxPositions} positions.");
        }

        TorchRuntime.EnsureLoaded();
        try
        {
            using var scope = NewDisposeScope();
            var ids = tensor(tokenIds, [batch, sequence]);
            var names = CheckpointTensorNames.Detect(config.Family, weights);
            var model = new Loader(config.FusedProjections ? new FusedProjectionSplit(config, weights, names) : weights, names);
            var logits = config.Family == TransformerFamily.Llama
                ? Llama(config, model, ids, sequence)
                : Gpt2(config, model, ids, sequence);
            return logits.contiguous().data<float>().ToArray();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            throw GacException.Create(DiagnosticCatalogue.TorchOperationFailed, $"Reference forward of '{weights.Source}' failed: {e.Message}", inner: e);
        }
    }

    private static Tensor Llama(TransformerConfig c, Loader w, Tensor ids, int s)
    {
        var n = w.Names;
        var h = w.Get(n.Embedding).index_select(0, ids.flatten()).view(ids.shape[0], s, c.HiddenSize);
        var rotary = RotaryTables.Create(c, s);
        var cos = tensor(rotary.Cos, [s, c.RotaryDim]);
        var sin = tensor(rotary.Sin, [s, c.RotaryDim]);
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
            var groups = c.Heads / c.KvHeads;
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
            var context = Attend(q, k, v, c.HeadDim, c.UsesSlidingWindow(i) ? c.SlidingWindow : null);
            h = (h + w.Linear(context, n.AttentionLinear(i, "o_proj"), c.OutputBias)).MoveToOuterDisposeScope();

            x = RmsNorm(h, w.Get(n.BlockNorm(i, false) + ".weight"), c.NormEpsilon);
            var gate = w.Linear(x, n.MlpLinear(i, "gate_proj"), c.MlpBias);
            var up = w.Linear(x, n.MlpLinear(i, "up_proj"), c.MlpBias);
            var silu = gate * gate.sigmoid();
            h = (h + w.Linear(silu * up, n.MlpLinear(i, "down_proj"), c.MlpBias)).MoveToOuterDisposeScope();
        }

        h = RmsNorm(h, w.Get(n.FinalNorm + ".weight"), c.NormEpsilon);
        var head = c.TieWordEmbeddings ? w.Get(n.Embedding) : w.Get(n.LmHead + ".weight");
        return h.matmul(head.t());
    }

    private static Tensor Gpt2(TransformerConfig c, Loader w, Tensor ids, int s)
    {
        var n = w.Names;
        var positions = arange(s, ScalarType.Int64);
        var h = w.Get(n.Embedding).index_select(0, ids.flatten()).view(ids.shape[0], s, c.HiddenSize)
            + w.Get(n.PositionEmbedding).index_select(0, positions);
        for (var i = 0; i < c.Layers; i++)
        {
            using var block = NewDisposeScope();
            var x = LayerNorm(h, w, n.BlockNorm(i, true), c.NormEpsilon);
            var qkv = w.Conv1D(x, n.AttentionLinear(i, "c_attn"));
            var parts = qkv.split(c.HiddenSize, dim: -1);
            var context = Attend(Heads(parts[0], c.Heads, c.HeadDim), Heads(parts[1], c.Heads, c.HeadDim), Heads(parts[2], c.Heads, c.HeadDim), c.HeadDim, window: null);
            h = (h + w.Conv1D(context, n.AttentionLinear(i, "c_proj"))).MoveToOuterDisposeScope();

            x = LayerNorm(h, w, n.BlockNorm(i, false), c.NormEpsilon);
            var inner = GeluTanh(w.Conv1D(x, n.MlpLinear(i, "c_fc")));
            h = (h + w.Conv1D(inner, n.MlpLinear(i, "c_proj"))).MoveToOuterDisposeScope();
        }

        h = LayerNorm(h, w, n.FinalNorm, c.NormEpsilon);
        return h.matmul(w.Get(n.Embedding).t());
    }

    /// <summary>[b, s, heads·d] → [b, heads, s, d].</summary>
    private static Tensor Heads(Tensor x, int heads, int headDim) => x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2);

    /// <summary>
    /// softmax(q·kᵀ/√d + mask)·v, merged back to [b, s, heads·d]. The mask hides later keys and,
    /// with a sliding window w, keys w or more positions back (query q sees q − w + 1 … q).
    /// </summary>
    private static Tensor Attend(Tensor q, Tensor k, Tensor v, int headDim, int? window)
    {
        var s = q.shape[2];
        var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(headDim);
        var future = ones(s, s, ScalarType.Bool).triu(1);
        if (window is { } w)
        {
            future = future.logical_or(ones(s, s, ScalarType.Bool).tril(-w));
        }

        scores = scores.masked_fill(future, float.NegativeInfinity);
        var context = scores.softmax(-1).matmul(v).transpose(1, 2).contiguous();
        return context.view(context.shape[0], s, -1);
    }

    /// <summary>
    /// x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] (transformers' Llama RoPE layout), on
    /// the leading cos.shape[-1] dims; any dims after them pass through (partial rotary width).
    /// </summary>
    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        var width = cos.shape[^1];
        var pass = x.narrow(-1, width, x.shape[^1] - width);
        x = x.narrow(-1, 0, width);
        var half = width / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], -1);
        var turned = (x * cos) + (rotated * sin);
        return pass.shape[^1] == 0 ? turned : cat([turned, pass], -1);
    }

    /// <summary>RMSNorm (Zhang &amp; Sennrich 2019): w · x / √(mean(x²) + ε).</summary>
    private static Tensor RmsNorm(Tensor x, Tensor weight, double epsilon)
        => weight * (x * (x.pow(2).mean([-1], keepdim: true) + epsilon).rsqrt());

    private static Tensor LayerNorm(Tensor x, Loader w, string name, double epsilon)
    {
        var mean = x.mean([-1], keepdim: true);
        var centered = x - mean;
        var variance = centered.pow(2).mean([-1], keepdim: true);
        return (centered * (variance + epsilon).rsqrt() * w.Get(name + ".weight")) + w.Get(name + ".bias");
    }

    /// <summary>gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel 2016, GPT-2's activation).</summary>
    private static Tensor GeluTanh(Tensor x)
        => 0.5 * x * (1 + ((x + (0.044715 * x.pow(3))) * Math.Sqrt(2 / Math.PI)).tanh());

    private sealed class Loader(ICheckpointTensors tensors, CheckpointTensorNames names)
    {
        public CheckpointTensorNames Names => names;

        public Tensor Get(string name) => tensor(tensors.ReadFloat32(name), [.. tensors.Shape(name)]);

        /// <summary>nn.Linear: y = x·Wᵀ + b with W stored [out, in].</summary>
        public Tensor Linear(Tensor x, string module, bool bias)
        {
            var y = x.matmul(Get(module + ".weight").t());
            return bias ? y + Get(module + ".bias") : y;
        }

        /// <summary>GPT-2's Conv1D: y = x·W + b with W stored [in, out].</summary>
        public Tensor Conv1D(Tensor x, string module) => x.matmul(Get(module + ".weight")) + Get(module + ".bias");
    }
}
