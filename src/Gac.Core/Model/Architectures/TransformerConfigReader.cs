using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// Reads a Hugging Face config.json into a <see cref="TransformerConfig"/>. Field names and
/// defaults are those of transformers' LlamaConfig, MistralConfig, Qwen2Config and GPT2Config.
/// Every problem is a GAC12xx diagnostic naming the file and the field.
/// </summary>
public static class TransformerConfigReader
{
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "mistral", "qwen2", "gpt2"];

    public static TransformerConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointFileUnreadable, $"Cannot read '{path}': {e.Message}", new SourceLocation(path), e);
        }

        return Parse(text, path);
    }

    public static TransformerConfig Parse(string json, string source = "config.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelConfigMalformed,
                $"'{source}' is not valid JSON: {e.Message}",
                new SourceLocation(source, (int)(e.LineNumber ?? -1) + 1, (int)(e.BytePositionInLine ?? -1) + 1),
                e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(source, "the document must be a JSON object.");
            }

            var fields = new ConfigFields(document.RootElement, source);
            var modelType = fields.OptionalString("model_type")
                ?? throw GacException.Create(
                    DiagnosticCatalogue.ModelTypeUnsupported,
                    $"'{source}' has no \"model_type\"; supported: {string.Join(", ", SupportedModelTypes)}.",
                    new SourceLocation(source));

            return modelType switch
            {
                "llama" or "mistral" or "qwen2" => ReadLlama(fields, modelType),
                "gpt2" => ReadGpt2(fields),
                _ when GemmaRefusal.ModelTypes.Contains(modelType) => throw GemmaRefusal.Create(document.RootElement, source, modelType),
                _ => throw GacException.Create(
                    DiagnosticCatalogue.ModelTypeUnsupported,
                    $"'{source}' has model_type \"{modelType}\"; supported: {string.Join(", ", SupportedModelTypes)}.",
                    new SourceLocation(source)),
            };
        }
    }

    private static TransformerConfig ReadLlama(ConfigFields f, string modelType)
    {
        var hidden = f.PositiveInt("hidden_size");
        var heads = f.PositiveInt("num_attention_heads");
        var kvHeads = f.OptionalPositiveInt("num_key_value_heads") ?? heads;
        if (heads % kvHeads != 0)
        {
            throw Malformed(f.Source, $"num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads}).");
        }

        var headDim = f.OptionalPositiveInt("head_dim") ?? DivideEvenly(f.Source, hidden, heads);
        if (headDim % 2 != 0)
        {
            throw Malformed(f.Source, $"head_dim ({headDim}) must be even for rotary embeddings.");
        }

        var activation = f.OptionalString("hidden_act") ?? "silu";
        if (activation is not ("silu" or "swish"))
        {
            throw Malformed(f.Source, $"hidden_act \"{activation}\" is not supported; the Llama family uses \"silu\".");
        }

        // Qwen2's q/k/v always carry a bias and its o_proj never does (Qwen2Attention); Llama's
        // attention_bias covers all four, Mistral has none.
        var attentionBias = f.OptionalBool("attention_bias") ?? false;
        var qwen = modelType == "qwen2";
        var slidingWindow = modelType switch
        {
            "mistral" => f.OptionalPositiveInt("sliding_window"),
            "qwen2" when f.OptionalBool("use_sliding_window") == true => f.OptionalPositiveInt("sliding_window"),
            _ => null,
        };

        return new TransformerConfig
        {
            ModelType = modelType,
            Family = TransformerFamily.Llama,
            HiddenSize = hidden,
            IntermediateSize = f.PositiveInt("intermediate_size"),
            Layers = f.PositiveInt("num_hidden_layers"),
            Heads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = f.PositiveInt("vocab_size"),
            MaxPositions = f.OptionalPositiveInt("max_position_embeddings") ?? 2048,
            NormEpsilon = f.OptionalPositiveDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = f.OptionalPositiveDouble("rope_theta") ?? 10000.0,
            RopeScaling = ReadRopeScaling(f),
            TieWordEmbeddings = f.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = qwen || attentionBias,
            OutputBias = !qwen && attentionBias,
            MlpBias = f.OptionalBool("mlp_bias") ?? false,
            SlidingWindow = slidingWindow,
        };
    }

    private static TransformerConfig ReadGpt2(ConfigFields f)
    {
        var hidden = f.PositiveInt("n_embd");
        var heads = f.PositiveInt("n_head");
        var activation = f.OptionalString("activation_function") ?? "gelu_new";
        if (activation is not ("gelu_new" or "gelu_pytorch_tanh"))
        {
            throw Malformed(f.Source, $"activation_function \"{activation}\" is not supported; GPT-2 export implements gelu_new (the tanh approximation).");
        }

        if (f.OptionalBool("scale_attn_by_inverse_layer_idx") == true || f.OptionalBool("scale_attn_weights") == false)
        {
            throw Malformed(f.Source, "scale_attn_by_inverse_layer_idx = true and scale_attn_weights = false are not supported; the export scales attention scores by 1/sqrt(head_dim) as GPT-2 does.");
        }

        return new TransformerConfig
        {
            ModelType = "gpt2",
            Family = TransformerFamily.Gpt2,
            HiddenSize = hidden,
            // GPT2MLP: inner_dim = n_inner if set, else 4 * hidden_size.
            IntermediateSize = f.OptionalPositiveInt("n_inner") ?? 4 * hidden,
            Layers = f.PositiveInt("n_layer"),
            Heads = heads,
            KvHeads = heads,
            HeadDim = DivideEvenly(f.Source, hidden, heads),
            VocabSize = f.PositiveInt("vocab_size"),
            MaxPositions = f.OptionalPositiveInt("n_positions") ?? 1024,
            NormEpsilon = f.OptionalPositiveDouble("layer_norm_epsilon") ?? 1e-5,
            TieWordEmbeddings = true,
            QkvBias = true,
            OutputBias = true,
            MlpBias = true,
        };
    }

    private static RopeScaling ReadRopeScaling(ConfigFields f)
    {
        if (f.Object("rope_scaling") is not { } scaling)
        {
            return RopeScaling.None;
        }

        // transformers renamed "type" to "rope_type" (4.42); both spellings exist in the wild.
        var kind = scaling.OptionalString("rope_type") ?? scaling.OptionalString("type") ?? "default";
        switch (kind)
        {
            case "default":
                return RopeScaling.None;
            case "linear":
                return new RopeScaling(RopeScalingKind.Linear, Factor: scaling.PositiveDouble("factor"));
            case "llama3":
                var low = scaling.PositiveDouble("low_freq_factor");
                var high = scaling.PositiveDouble("high_freq_factor");
                if (high <= low)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.RopeScalingUnsupported,
                        $"rope_scaling: high_freq_factor ({high}) must exceed low_freq_factor ({low}).",
                        new SourceLocation(f.Source));
                }

                return new RopeScaling(
                    RopeScalingKind.Llama3,
                    scaling.PositiveDouble("factor"),
                    low,
                    high,
                    scaling.PositiveInt("original_max_position_embeddings"));
            default:
                throw GacException.Create(
                    DiagnosticCatalogue.RopeScalingUnsupported,
                    $"'{f.Source}': rope_scaling type \"{kind}\" is not supported; supported: linear, llama3.",
                    new SourceLocation(f.Source));
        }
    }

    private static int DivideEvenly(string source, int hidden, int heads)
        => hidden % heads == 0 ? hidden / heads : throw Malformed(source, $"hidden size ({hidden}) is not a multiple of the head count ({heads}) and no head_dim is given.");

    internal static GacException Malformed(string source, string message)
        => GacException.Create(DiagnosticCatalogue.ModelConfigMalformed, $"'{source}': {message}", new SourceLocation(source));
}
