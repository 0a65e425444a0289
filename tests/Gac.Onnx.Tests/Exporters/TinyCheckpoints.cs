using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>Tiny random decoder configs (as config.json text) and in-memory checkpoints from fixed seeds.</summary>
internal static class TinyCheckpoints
{
    /// <summary>Llama with grouped-query attention (4 query heads share 2 k/v heads), untied LM head.</summary>
    public const string LlamaGqa = """
        { "model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64,
          "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false }
        """;

    /// <summary>Llama with plain multi-head attention, tied embeddings and Llama 3.1 RoPE scaling.</summary>
    public const string LlamaTied = """
        { "model_type": "llama", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
          "num_attention_heads": 3, "vocab_size": 40, "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
          "rope_theta": 500000.0, "tie_word_embeddings": true,
          "rope_scaling": { "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 16 } }
        """;

    /// <summary>Qwen2: q/k/v bias, GQA, explicit head_dim.</summary>
    public const string Qwen2 = """
        { "model_type": "qwen2", "hidden_size": 32, "intermediate_size": 56, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 8, "vocab_size": 45,
          "max_position_embeddings": 32, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": false }
        """;

    /// <summary>Qwen3: q_norm / k_norm per head, GQA, explicit head_dim (4 · 8 = 32 ≠ hidden_size 24), tied head.</summary>
    public const string Qwen3 = """
        { "model_type": "qwen3", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8, "vocab_size": 35,
          "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": true }
        """;

    /// <summary>Phi-3: fused qkv_proj and gate_up_proj, GQA, untied head (Phi-3-mini-4k's fields, tiny).</summary>
    public const string Phi3 = """
        { "model_type": "phi3", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 40, "max_position_embeddings": 64,
          "original_max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": null,
          "hidden_act": "silu", "tie_word_embeddings": false, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attention_dropout": 0.0 }
        """;

    public const string Gpt2 = """
        { "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 40, "vocab_size": 60,
          "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new" }
        """;

    public static TheoryData<string, string> All => new()
    {
        { "llama-gqa", LlamaGqa },
        { "llama-tied", LlamaTied },
        { "qwen2", Qwen2 },
        { "qwen3", Qwen3 },
        { "phi3", Phi3 },
        { "gpt2", Gpt2 },
    };

    public static TransformerConfig Config(string json) => TransformerConfigReader.Parse(json);

    /// <summary>Weights ~ N(0, 0.2²), norm scales ~ 1 + N(0, 0.1²): activations stay O(1) through a few blocks.</summary>
    public static InMemoryCheckpoint Create(TransformerConfig config, int seed = 7, string prefix = "")
    {
        var random = new Random(seed);
        var names = prefix.Length > 0 ? CheckpointTensorNames.Gpt2 with { Prefix = prefix } : null;
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var (name, shape) in CheckpointLayout.Tensors(config, names))
        {
            var count = (int)shape.Aggregate(1L, (a, d) => a * d);
            var isScale = shape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal);
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                var normal = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                values[i] = isScale ? 1f + (0.1f * normal) : 0.2f * normal;
            }

            tensors[name] = (shape, values);
        }

        return new InMemoryCheckpoint(tensors);
    }

    public static long[] TokenIds(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(vocab)).ToArray();
    }
}

internal sealed class InMemoryCheckpoint(Dictionary<string, (long[] Shape, float[] Values)> tensors) : ICheckpointTensors
{
    public string Source => "memory";

    public Dictionary<string, (long[] Shape, float[] Values)> Tensors => tensors;

    public bool Contains(string name) => tensors.ContainsKey(name);

    public IReadOnlyList<long> Shape(string name) => Get(name).Shape;

    public float[] ReadFloat32(string name) => (float[])Get(name).Values.Clone();

    private (long[] Shape, float[] Values) Get(string name)
        => tensors.TryGetValue(name, out var t) ? t : throw GacException.Create(DiagnosticCatalogue.CheckpointTensorMissing, $"no tensor '{name}'");
}
