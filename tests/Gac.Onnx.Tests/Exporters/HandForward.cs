namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// The forward of one short sequence of a Llama-shaped decoder, transcribed loop by loop in double
/// precision from transformers' modeling_qwen3 / modeling_llama (LlamaRMSNorm, rotate_half +
/// apply_rotary_pos_emb, eager_attention_forward with repeat_kv, LlamaMLP), for tiny models only.
/// It shares nothing with the exporter or the project's reference forward — no config reader, no
/// rotary tables, no layout helpers — so it checks their reading of the definitions.
/// </summary>
internal sealed class HandForward
{
    public required int Hidden { get; init; }

    public required int Heads { get; init; }

    public required int KvHeads { get; init; }

    public required int HeadDim { get; init; }

    public required int Inner { get; init; }

    public required int Layers { get; init; }

    public required double Theta { get; init; }

    public required double Epsilon { get; init; }

    /// <summary>Qwen3Attention: q_norm / k_norm, RMSNorm over each head's head_dim values before RoPE.</summary>
    public bool QkNorm { get; init; }

    /// <summary>A deliberately wrong order (norm after RoPE), to show a test tells the two apart.</summary>
    public bool QkNormAfterRope { get; init; }

    /// <summary>Leading dims of each head that RoPE rotates (partial_rotary_factor · head_dim); the rest pass through.</summary>
    public int? RotaryDim { get; init; }

    /// <summary>
    /// Sliding-window attention on every layer: query t sees keys u with t − window &lt; u ≤ t
    /// (transformers' sliding_window_overlay: kv_idx &gt; q_idx − sliding_window).
    /// </summary>
    public int? SlidingWindow { get; init; }

    /// <summary>LongRoPE: frequency i divided by this factor (short_factor or long_factor, chosen by the caller).</summary>
    public IReadOnlyList<double>? FrequencyDivisors { get; init; }

    /// <summary>What cos and sin are multiplied by (LongRoPE's attention_factor).</summary>
    public double CosSinScale { get; init; } = 1.0;

    /// <summary>Tensor lookup by Hugging Face name: row-major values ([out, in] for linear weights).</summary>
    public required Func<string, float[]> Weight { get; init; }

    public bool Tied { get; init; }

    /// <summary>Logits [seq, vocab] for one sequence.</summary>
    public double[][] Logits(long[] ids)
    {
        var embedding = Weight("model.embed_tokens.weight");
        var h = ids.Select(id => Enumerable.Range(0, Hidden).Select(j => (double)embedding[(id * Hidden) + j]).ToArray()).ToArray();
        for (var layer = 0; layer < Layers; layer++)
        {
            var p = $"model.layers.{layer}.";
            var x = h.Select(row => RmsNorm(row, Weight(p + "input_layernorm.weight"))).ToArray();
            var q = x.Select(row => Linear(row, Weight(p + "self_attn.q_proj.weight"), Heads * HeadDim)).ToArray();
            var k = x.Select(row => Linear(row, Weight(p + "self_attn.k_proj.weight"), KvHeads * HeadDim)).ToArray();
            var v = x.Select(row => Linear(row, Weight(p + "self_attn.v_proj.weight"), KvHeads * HeadDim)).ToArray();
            for (var t = 0; t < ids.Length; t++)
            {
                if (QkNorm && !QkNormAfterRope)
                {
                    q[t] = PerHead(q[t], Heads, head => RmsNorm(head, Weight(p + "self_attn.q_norm.weight")));
                    k[t] = PerHead(k[t], KvHeads, head => RmsNorm(head, Weight(p + "self_attn.k_norm.weight")));
                }

                q[t] = PerHead(q[t], Heads, head => Rotate(head, t));
                k[t] = PerHead(k[t], KvHeads, head => Rotate(head, t));
                if (QkNorm && QkNormAfterRope)
                {
                    q[t] = PerHead(q[t], Heads, head => RmsNorm(head, Weight(p + "self_attn.q_norm.weight")));
                    k[t] = PerHead(k[t], KvHeads, head => RmsNorm(head, Weight(p + "self_attn.k_norm.weight")));
                }
            }

            var context = new double[ids.Length][];
            for (var t = 0; t < ids.Length; t++)
            {
                context[t] = new double[Heads * HeadDim];
                for (var head = 0; head < Heads; head++)
                {
                    // repeat_kv: query head `head` reads k/v head head / (Heads / KvHeads).
                    var kvHead = head / (Heads / KvHeads);
                    var first = SlidingWindow is { } window ? Math.Max(0, t - window + 1) : 0;
                    var scores = Enumerable.Range(first, t + 1 - first).Select(u => Dot(q[t], head * HeadDim, k[u], kvHead * HeadDim,
                        HeadDim) / Math.Sqrt(HeadDim)).ToArray();
                    var max = scores.Max();
                    var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = exp.Sum();
                    for (var u = first; u <= t; u++)
                    {
                        for (var j = 0; j < HeadDim; j++)
                        {
                            context[t][(head * HeadDim) + j] += exp[u - first] / sum * v[u][(kvHead * HeadDim) + j];
                        }
                    }
                }
            }

            for (var t = 0; t < ids.Length; t++)
            {
                var attention = Linear(context[t], Weight(p + "self_attn.o_proj.weight"), Hidden);
                h[t] = h[t].Zip(attention, (a, b) => a + b).ToArray();
                var y = RmsNorm(h[t], Weight(p + "post_attention_layernorm.weight"));
                var gate = Linear(y, Weight(p + "mlp.gate_proj.weight"), Inner);
                var up = Linear(y, Weight(p + "mlp.up_proj.weight"), Inner);
                var act = gate.Zip(up, (g, u) => g / (1 + Math.Exp(-g)) * u).ToArray();
                h[t] = h[t].Zip(Linear(act, Weight(p + "mlp.down_proj.weight"), Hidden), (a, b) => a + b).ToArray();
            }
        }

        var lmHead = Tied ? embedding : Weight("lm_head.weight");
        var vocab = lmHead.Length / Hidden;
        return h.Select(row => Linear(RmsNorm(row, Weight("model.norm.weight")), lmHead, vocab)).ToArray();
    }

    private double[] RmsNorm(double[] x, float[] weight)
    {
        var meanSquare = x.Sum(a => a * a) / x.Length;
        var scale = 1 / Math.Sqrt(meanSquare + Epsilon);
        return x.Select((a, i) => weight[i] * a * scale).ToArray();
    }

    /// <summary>nn.Linear: y[o] = Σ_i W[o, i] x[i].</summary>
    private static double[] Linear(double[] x, float[] weight, int outFeatures)
    {
        var y = new double[outFeatures];
        for (var o = 0; o < outFeatures; o++)
        {
            for (var i = 0; i < x.Length; i++)
            {
                y[o] += weight[(o * x.Length) + i] * x[i];
            }
        }

        return y;
    }

    private double[] PerHead(double[] x, int heads, Func<double[], double[]> f)
        => Enumerable.Range(0, heads).SelectMany(head => f(x[(head * HeadDim)..((head + 1) * HeadDim)])).ToArray();

    /// <summary>
    /// inv_freq_i = θ^(−2i/r) for i &lt; r/2; emb = cat(freqs, freqs); x·cos + rotate_half(x)·sin on the
    /// first r dims with rotate_half(x) = cat(−x₂, x₁); dims r… pass through (partial rotary).
    /// </summary>
    private double[] Rotate(double[] x, int position)
    {
        var r = RotaryDim ?? HeadDim;
        var half = r / 2;
        var y = (double[])x.Clone();
        for (var j = 0; j < r; j++)
        {
            var angle = position * Math.Pow(Theta, -2.0 * (j % half) / r) / (FrequencyDivisors?[j % half] ?? 1.0);
            var rotated = j < half ? -x[j + half] : x[j - half];
            y[j] = (x[j] * Math.Cos(angle) * CosSinScale) + (rotated * Math.Sin(angle) * CosSinScale);
        }

        return y;
    }

    private static double Dot(double[] a, int aStart, double[] b, int bStart, int length)
    {
        var sum = 0.0;
        for (var j = 0; j < length; j++)
        {
            sum += a[aStart + j] * b[bStart + j];
        }

        return sum;
    }
}
