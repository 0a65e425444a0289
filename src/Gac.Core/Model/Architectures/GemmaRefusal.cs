using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// Gemma checkpoints are recognised and refused (GAC1304) with the features of this config that
/// the Llama export would get wrong, read from transformers' modeling_gemma / modeling_gemma2 /
/// modeling_gemma3: exporting one as Llama would silently change every logit.
/// </summary>
internal static class GemmaRefusal
{
    public static IReadOnlyList<string> ModelTypes { get; } = ["gemma", "gemma2", "gemma3", "gemma3_text"];

    public static GacException Create(JsonElement root, string source, string modelType)
    {
        // Gemma 3's multimodal config nests the decoder's fields under text_config.
        var text = root.TryGetProperty("text_config", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : root;
        var features = new List<string>
        {
            $"embeddings scaled by sqrt(hidden_size{Value(text, "hidden_size", " = ")})",
            "RMSNorm scaled by (1 + weight)",
            $"{Value(text, "hidden_activation", "", "gelu_pytorch_tanh")} MLP",
        };
        if (modelType != "gemma")
        {
            features.Add("sandwich norms (pre_/post_feedforward_layernorm, post_attention_layernorm after attention)");
            features.Add($"query_pre_attn_scalar{Value(text, "query_pre_attn_scalar", " = ", "256")} as the attention scale");
            AddIfSet(features, text, "attn_logit_softcapping", "tanh soft-capping of attention scores at ");
            AddIfSet(features, text, "final_logit_softcapping", "tanh soft-capping of logits at ");
            AddIfSet(features, text, "sliding_window", "sliding-window attention of ", " tokens on alternating layers");
        }

        if (modelType is "gemma3" or "gemma3_text")
        {
            features.Add("q_norm / k_norm and separate RoPE for local and global layers");
        }

        return GacException.Create(
            DiagnosticCatalogue.GemmaForwardUnsupported,
            $"'{source}': model_type \"{modelType}\" is not exported: its forward has {string.Join(", ", features)}, none of which the Llama export " +
                $"implements. Export it to ONNX with another tool and give gac-build the .onnx file.",
            new SourceLocation(source));
    }

    private static void AddIfSet(List<string> features, JsonElement config, string field, string before, string after = "")
    {
        if (config.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            features.Add($"{before}{value.GetRawText().Trim('"')}{after} ({field})");
        }
    }

    private static string Value(JsonElement config, string field, string prefix, string? fallback = null)
        => config.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? prefix + value.GetRawText().Trim('"')
            : fallback is null ? string.Empty : prefix + fallback;
}
