using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;

namespace Gac.Compression.Tests.Checkpoints;

/// <summary>Tiny Hugging Face checkpoint folders (config.json + safetensors) with fixed-seed random weights.</summary>
internal static class TinyHfCheckpoint
{
    public static readonly IReadOnlyDictionary<string, string> Configs = new Dictionary<string, string>
    {
        // Grouped-query attention (4 query heads on 2 k/v heads), untied head.
        ["llama-gqa"] = """
            { "model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64,
              "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false }
            """,
        // Multi-head attention, tied embeddings, Llama 3.1 RoPE scaling with a short original context.
        ["llama-tied"] = """
            { "model_type": "llama", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 3, "vocab_size": 40, "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
              "rope_theta": 500000.0, "tie_word_embeddings": true,
              "rope_scaling": { "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                "original_max_position_embeddings": 16 } }
            """,
        // Qwen2: q/k/v bias, one k/v head, head_dim given explicitly.
        ["qwen2"] = """
            { "model_type": "qwen2", "hidden_size": 32, "intermediate_size": 56, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 8, "vocab_size": 45,
              "max_position_embeddings": 32, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": false }
            """,
        ["mistral-linear-rope"] = """
            { "model_type": "mistral", "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 1,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 30, "max_position_embeddings": 64,
              "sliding_window": 16, "rope_scaling": { "type": "linear", "factor": 2.0 } }
            """,
        // transformers 5 form: rope_parameters with YaRN; a sliding window of 3 on a 7-token input.
        ["mistral-yarn-window"] = """
            { "model_type": "mistral", "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 30, "max_position_embeddings": 64,
              "sliding_window": 3, "rope_parameters": { "rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0, "original_max_position_embeddings": 16 } }
            """,
        // Qwen2 with layer_types: layer 0 full attention, layer 1 a window of 2.
        ["qwen2-layer-types"] = """
            { "model_type": "qwen2", "hidden_size": 32, "intermediate_size": 56, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 45, "max_position_embeddings": 32,
              "use_sliding_window": true, "sliding_window": 2, "layer_types": ["full_attention", "sliding_attention"],
              "rope_parameters": { "rope_type": "default", "rope_theta": 1000000.0 } }
            """,
        // Qwen3: per-head q_norm / k_norm, explicit head_dim (4 · 8 ≠ 24), GQA, tied head.
        ["qwen3"] = """
            { "model_type": "qwen3", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8, "vocab_size": 35,
              "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": true }
            """,
        // Phi-3: fused qkv_proj and gate_up_proj, GQA, half of each head rotated (partial_rotary_factor).
        ["phi3"] = """
            { "model_type": "phi3", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 40, "max_position_embeddings": 64,
              "original_max_position_embeddings": 64, "rms_norm_eps": 1e-5, "partial_rotary_factor": 0.5, "tie_word_embeddings": false }
            """,
        // Llama with attention_bias (q, k, v, o) and mlp_bias, head_dim 16 while hidden / heads = 8.
        ["llama-bias-head-dim"] = """
            { "model_type": "llama", "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 30, "max_position_embeddings": 64,
              "attention_bias": true, "mlp_bias": true }
            """,
        // LongRoPE, Phi-3's 4.x form (original context at the top level): 7 tokens outgrow 6, so the long factors apply.
        ["llama-longrope-long"] = """
            { "model_type": "llama", "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 30, "max_position_embeddings": 24,
              "original_max_position_embeddings": 6,
              "rope_scaling": { "type": "longrope", "short_factor": [1.0, 1.5, 2.0, 3.0], "long_factor": [1.0, 4.0, 9.0, 20.0] } }
            """,
        // LongRoPE, 5.x form: 7 tokens within the original 16, so the short factors apply.
        ["llama-longrope-short"] = """
            { "model_type": "llama", "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 30, "max_position_embeddings": 64,
              "rope_parameters": { "rope_type": "longrope", "rope_theta": 10000.0, "original_max_position_embeddings": 16,
                "short_factor": [1.0, 1.5, 2.0, 3.0], "long_factor": [1.0, 4.0, 9.0, 20.0] } }
            """,
        ["gpt2"] = """
            { "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 40, "vocab_size": 60,
              "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new" }
            """,
    };

    /// <summary>Writes config.json and the weights; <paramref name="shards"/> &gt; 1 writes an index and shards.</summary>
    public static string Write(string folder, string name, int shards = 1, string dtype = SafetensorsDType.F32, int seed = 11)
        => Write(folder, Configs[name], Tensors(TransformerConfigReader.Parse(Configs[name]), dtype, seed), shards);

    /// <summary>Writes <paramref name="configJson"/> beside the given tensors (which need not agree with it).</summary>
    public static string Write(string folder, string configJson, IReadOnlyList<SafetensorsTensor> tensors, int shards = 1)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        if (shards > 1)
        {
            SafetensorsWriter.WriteSharded(folder, tensors, shards);
        }
        else
        {
            SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }

        return folder;
    }

    /// <summary>Every tensor <see cref="CheckpointLayout"/> lists for the config, fixed-seed random (norm scales near 1).</summary>
    public static List<SafetensorsTensor> Tensors(TransformerConfig config, string dtype = SafetensorsDType.F32, int seed = 11)
    {
        var random = new Random(seed);
        var tensors = new List<SafetensorsTensor>();
        foreach (var (tensor, shape) in CheckpointLayout.Tensors(config))
        {
            var count = (int)shape.Aggregate(1L, (a, d) => a * d);
            var isScale = shape.Length == 1 && tensor.EndsWith(".weight", StringComparison.Ordinal);
            var values = Fixtures.Normal(count, random.Next(), isScale ? 0.1 : 0.2);
            if (isScale)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] += 1f;
                }
            }

            tensors.Add(new SafetensorsTensor(tensor, shape, values, dtype));
        }

        return tensors;
    }
}
