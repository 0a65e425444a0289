using System.Text;
using System.Text.Json;

namespace Gac.Examples.TrainLm;

/// <summary>
/// The subset of Hugging Face's LlamaConfig that fixes the architecture. Defaults are the bundled
/// example: dims chosen so that a compressor's ranks and pruned widths come out misaligned
/// (intermediate 352 = 11·32, not a power of two) while training stays within minutes on 2 CPU cores.
/// </summary>
public sealed record LlamaConfig(
    int HiddenSize = 128,
    int IntermediateSize = 352,
    int NumHiddenLayers = 4,
    int NumAttentionHeads = 4,
    int NumKeyValueHeads = 2,
    int MaxPositionEmbeddings = 128,
    double RmsNormEps = 1e-5,
    double RopeTheta = 10000.0,
    int VocabSize = 256)
{
    public int HeadDim => HiddenSize / NumAttentionHeads;

    public void Validate()
    {
        if (HiddenSize % NumAttentionHeads != 0 || NumAttentionHeads % NumKeyValueHeads != 0 || HeadDim % 2 != 0)
        {
            throw new ArgumentException(
                $"hidden {HiddenSize}, heads {NumAttentionHeads}, kv heads {NumKeyValueHeads}: hidden must divide by heads, heads by kv heads, and head_dim " +
                    $"must be even for RoPE.");
        }
    }

    /// <summary>config.json as transformers' LlamaConfig.from_pretrained reads it.</summary>
    public string ToHuggingFaceJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("LlamaForCausalLM");
            json.WriteEndArray();
            json.WriteString("model_type", "llama");
            json.WriteNumber("hidden_size", HiddenSize);
            json.WriteNumber("intermediate_size", IntermediateSize);
            json.WriteNumber("num_hidden_layers", NumHiddenLayers);
            json.WriteNumber("num_attention_heads", NumAttentionHeads);
            json.WriteNumber("num_key_value_heads", NumKeyValueHeads);
            json.WriteNumber("head_dim", HeadDim);
            json.WriteNumber("max_position_embeddings", MaxPositionEmbeddings);
            json.WriteNumber("rms_norm_eps", RmsNormEps);
            json.WriteNumber("rope_theta", RopeTheta);
            json.WriteNumber("vocab_size", VocabSize);
            json.WriteBoolean("tie_word_embeddings", false);
            json.WriteString("torch_dtype", "float32");
            json.WriteString("hidden_act", "silu");
            json.WriteBoolean("attention_bias", false);
            json.WriteNumber("attention_dropout", 0.0);
            json.WriteBoolean("mlp_bias", false);
            json.WriteNumber("initializer_range", LlamaWeights.InitializerRange);
            json.WriteNumber("pretraining_tp", 1);
            json.WriteNull("rope_scaling");
            json.WriteBoolean("use_cache", true);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
