using Gac.Core.Model.Architectures;
using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Qwen3 (transformers' modeling_qwen3): Llama's block plus q_norm / k_norm, an RMSNorm over each
/// head's head_dim values of q and k, applied after the head split and before RoPE; head_dim is
/// explicit (Qwen3Config's default is 128, not hidden_size / heads).
/// </summary>
public sealed class Qwen3ExportTests(ITestOutputHelper output)
{
    /// <summary>fp32 graph vs a double-precision transcription, two blocks, logits |x| ≲ 10: measured ≈ 1e-6, so 2e-5 leaves a 20× margin.</summary>
    private const double Tolerance = 2e-5;

    [Fact]
    public void Qwen3_logits_match_the_transformers_forward_transcribed_by_hand()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen3);
        var weights = TinyCheckpoints.Create(config, seed: 21);
        var ids = TinyCheckpoints.TokenIds(7, config.VocabSize, seed: 4);

        var exported = Prefill(CheckpointExporter.BuildInMemory(config, weights), ids);
        var expected = Hand(weights, qkNorm: true).Logits(ids);
        var normAfterRope = Hand(weights, qkNorm: true, afterRope: true).Logits(ids);
        var withoutNorm = Hand(weights, qkNorm: false).Logits(ids);

        output.WriteLine($"qwen3 export vs hand forward: max |Δ| = {MaxDifference(expected, exported):E2}; norm after RoPE: " +
            $"{MaxDifference(normAfterRope, exported):E2}; no norm: {MaxDifference(withoutNorm, exported):E2}");
        AssertClose(expected, exported, Tolerance);
        // The check can tell the definition from its near misses: the norm after RoPE (non-uniform
        // norm weights do not commute with the rotation) and no norm at all both move the logits.
        Assert.True(MaxDifference(normAfterRope, exported) > 100 * Tolerance, "norm after RoPE is distinguishable");
        Assert.True(MaxDifference(withoutNorm, exported) > 100 * Tolerance, "no q/k norm is distinguishable");
    }

    [Fact]
    public void Scaling_one_heads_query_and_key_rows_leaves_qwen3_logits_unchanged_but_not_llamas()
    {
        // q_norm / k_norm divide each head's q and k by their own RMS, so a positive factor on one head's
        // rows of q_proj / k_proj cancels (up to ε = 1e-6 against a mean square of order 0.1). A norm over
        // the whole q width, or no norm, would not cancel it.
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen3);
        var weights = TinyCheckpoints.Create(config, seed: 22);
        var scaled = new InMemoryCheckpoint(new Dictionary<string, (long[], float[])>(weights.Tensors, StringComparer.Ordinal));
        ScaleRows(scaled, "model.layers.0.self_attn.q_proj.weight", head: 1, config.HeadDim, factor: 7f);
        ScaleRows(scaled, "model.layers.1.self_attn.k_proj.weight", head: 0, config.HeadDim, factor: 0.2f);
        var ids = TinyCheckpoints.TokenIds(6, config.VocabSize, seed: 5);

        var before = Prefill(CheckpointExporter.BuildInMemory(config, weights), ids);
        var after = Prefill(CheckpointExporter.BuildInMemory(config, scaled), ids);
        var llama = config with { ModelType = "llama", QkNorm = false };
        var llamaBefore = Prefill(CheckpointExporter.BuildInMemory(llama, weights), ids);
        var llamaAfter = Prefill(CheckpointExporter.BuildInMemory(llama, scaled), ids);

        output.WriteLine($"one head's q/k rows scaled: qwen3 max |Δ| = {MaxDifference(before, after):E2}, llama max |Δ| = " +
            $"{MaxDifference(llamaBefore, llamaAfter):E2}");
        AssertClose(before, after, 1e-4);
        Assert.True(MaxDifference(llamaBefore, llamaAfter) > 0.05, "without q/k norm the same scaling changes the logits");
    }

    [Fact]
    public void Qwen3_decodes_token_by_token_with_the_cache_to_the_hand_computed_logits()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen3);
        var weights = TinyCheckpoints.Create(config, seed: 23);
        var ids = TinyCheckpoints.TokenIds(6, config.VocabSize, seed: 6);
        var expected = Hand(weights, qkNorm: true).Logits(ids);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { PastKeyValues = true }));

        var step = runner.Run(ids[..4], 1, 4, past: null);
        AssertClose(expected[..4], step.Logits, Tolerance);
        for (var t = 4; t < ids.Length; t++)
        {
            step = runner.Run([ids[t]], 1, 1, step.Presents);
            AssertClose([expected[t]], Rows(step.Logits, config.VocabSize), Tolerance);
        }
    }

    [Fact]
    public void A_qwen3_config_without_head_dim_uses_transformers_default_of_128()
    {
        // Qwen3Config(head_dim=128): unlike Llama, the default is not hidden_size / num_attention_heads (64 / 2 = 32).
        var config = TransformerConfigReader.Parse("""
            { "model_type": "qwen3", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 1,
              "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 10 }
            """);

        Assert.Equal(128, config.HeadDim);
        Assert.True(config.QkNorm);
        Assert.Contains(CheckpointLayout.Tensors(config), t => t.Name == "model.layers.0.self_attn.q_proj.weight" && t.Shape.SequenceEqual([256L, 64]));
        Assert.Contains(CheckpointLayout.Tensors(config), t => t.Name == "model.layers.0.self_attn.k_norm.weight" && t.Shape.SequenceEqual([128L]));
    }

    [Fact]
    public void Qwen3_attention_bias_puts_a_bias_on_q_k_v_and_o()
    {
        // Qwen3Attention is LlamaAttention: attention_bias covers all four projections (Qwen2 differs: q/k/v only).
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen3.Replace("\"tie_word_embeddings\": true",
            "\"tie_word_embeddings\": true, \"attention_bias\": true", StringComparison.Ordinal));

        Assert.True(config.QkvBias);
        Assert.True(config.OutputBias);
        Assert.False(config.MlpBias);
    }

    internal static float[] Prefill(ModelProto model, long[] ids)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [1, ids.Length]))]);
        return results.Single(r => r.Name == CheckpointExport.OutputName).AsTensor<float>().ToArray();
    }

    internal static void AssertClose(double[][] expected, float[] actual, double tolerance)
    {
        var vocab = expected[0].Length;
        Assert.Equal(expected.Length * vocab, actual.Length);
        for (var t = 0; t < expected.Length; t++)
        {
            for (var v = 0; v < vocab; v++)
            {
                Assert.True(Math.Abs(expected[t][v] - actual[(t * vocab) + v]) <= tolerance,
                    $"position {t}, token {v}: expected {expected[t][v]}, exported {actual[(t * vocab) + v]}");
            }
        }
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{p.First} vs {p.Second}"));
    }

    internal static double MaxDifference(double[][] expected, float[] actual)
        => expected.SelectMany(r => r).Zip(actual).Max(p => Math.Abs(p.First - p.Second));

    internal static double MaxDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    private static float[] Rows(float[] logits, int vocab) => logits[^vocab..];

    private static HandForward Hand(InMemoryCheckpoint weights, bool qkNorm, bool afterRope = false) => new()
    {
        // The literal values of TinyCheckpoints.Qwen3, not the parsed config: the hand forward reads no config.
        Hidden = 24,
        Heads = 4,
        KvHeads = 2,
        HeadDim = 8,
        Inner = 40,
        Layers = 2,
        Theta = 1_000_000.0,
        Epsilon = 1e-6,
        Tied = true,
        QkNorm = qkNorm,
        QkNormAfterRope = afterRope,
        Weight = weights.ReadFloat32,
    };

    private static void ScaleRows(InMemoryCheckpoint checkpoint, string name, int head, int headDim, float factor)
    {
        var (shape, values) = checkpoint.Tensors[name];
        var copy = (float[])values.Clone();
        var columns = (int)shape[1];
        for (var i = head * headDim * columns; i < (head + 1) * headDim * columns; i++)
        {
            copy[i] *= factor;
        }

        checkpoint.Tensors[name] = (shape, copy);
    }
}
