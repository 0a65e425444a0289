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
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "mistral", "qwen2", "qwen3", "phi3", "gpt2"];

    public static TransformerConfig Load(string path)
        => Parse(InputFile.ReadAllText(path, DiagnosticCatalogue.CheckpointFileUnreadable, $"'{path}'"), path);

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
                "llama" or "mistral" or "qwen2" or "qwen3" or "phi3" => ReadLlama(fields, modelType),
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
        RefuseQuantized(f);
        var hidden = f.PositiveInt("hidden_size");
        var heads = f.PositiveInt("num_attention_heads");
        // transformers' defaults when the key is absent: LlamaConfig uses the head count, MistralConfig 8, Qwen2Config 32.
        var kvHeads = f.OptionalPositiveInt("num_key_value_heads") ?? (f.Has("num_key_value_heads") ? heads
            : modelType switch { "mistral" => 8, "qwen2" or "qwen3" => 32, _ => heads });
        if (heads % kvHeads != 0)
        {
            throw Malformed(f.Source, $"num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads}).");
        }

        // Qwen3Config's head_dim defaults to 128 whatever hidden_size / num_attention_heads is.
        var headDim = f.OptionalPositiveInt("head_dim") ?? (modelType == "qwen3" ? 128 : DivideEvenly(f.Source, hidden, heads));
        if (headDim % 2 != 0)
        {
            throw Malformed(f.Source, $"head_dim ({headDim}) must be even for rotary embeddings.");
        }

        var activation = f.OptionalString("hidden_act") ?? "silu";
        if (activation is not ("silu" or "swish"))
        {
            throw RopeConfigReader.Unsupported(f, "hidden_act", $"is \"{activation}\"; the export implements silu, the Llama family's activation");
        }

        var layers = f.PositiveInt("num_hidden_layers");
        var maxPositions = f.OptionalPositiveInt("max_position_embeddings")
            ?? modelType switch { "mistral" => 4096 * 32, "qwen2" or "qwen3" => 32768, "phi3" => 4096, _ => 2048 };
        var phi3 = modelType == "phi3";
        var rotaryDim = phi3 ? Phi3Config.RotaryDim(f, headDim) : headDim;
        var (theta, scaling) = phi3 ? Phi3Config.ReadRope(f, maxPositions, rotaryDim) : RopeConfigReader.Read(f, maxPositions, headDim);
        var (window, sliding) = SlidingWindowConfig.Read(f, modelType, layers);

        // Llama's attention_bias covers q, k, v and o and mlp_bias the MLP; Mistral's modeling code
        // has no bias anywhere (it ignores both keys); Qwen2's q/k/v always carry a bias, o never.
        // Qwen3Attention is LlamaAttention (attention_bias on all four) but its MLP has no bias;
        // Phi-3 has no bias anywhere and reads neither key.
        var llama = modelType == "llama";
        var attentionBias = (modelType is "llama" or "qwen3") && (f.OptionalBool("attention_bias") ?? false);
        var qwen = modelType == "qwen2";
        return new TransformerConfig
        {
            ModelType = modelType,
            Family = TransformerFamily.Llama,
            HiddenSize = hidden,
            IntermediateSize = f.PositiveInt("intermediate_size"),
            Layers = layers,
            Heads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = f.PositiveInt("vocab_size"),
            MaxPositions = maxPositions,
            NormEpsilon = f.OptionalPositiveDouble("rms_norm_eps") ?? (phi3 ? 1e-5 : 1e-6),
            RopeTheta = theta,
            RopeScaling = scaling,
            TieWordEmbeddings = f.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = qwen || attentionBias,
            OutputBias = attentionBias,
            MlpBias = llama && (f.OptionalBool("mlp_bias") ?? false),
            SlidingWindow = window,
            SlidingLayers = sliding,
            RotaryDim = rotaryDim,
            QkNorm = modelType == "qwen3",
            FusedProjections = phi3,
        };
    }

    /// <summary>Quantized checkpoints store packed integer weights the float export cannot read.</summary>
    private static void RefuseQuantized(ConfigFields f)
    {
        if (f.Object("quantization_config") is not null)
        {
            throw RopeConfigReader.Unsupported(f, "quantization_config", "is set: quantized weights are not supported; use the float (fp32/fp16/bf16) " +
                "checkpoint");
        }
    }

    private static TransformerConfig ReadGpt2(ConfigFields f)
    {
        RefuseQuantized(f);
        var hidden = f.PositiveInt("n_embd");
        var heads = f.PositiveInt("n_head");
        var activation = f.OptionalString("activation_function") ?? "gelu_new";
        if (activation is not ("gelu_new" or "gelu_pytorch_tanh"))
        {
            throw RopeConfigReader.Unsupported(f, "activation_function", $"is \"{activation}\"; the GPT-2 export implements gelu_new (the tanh approximation)");
        }

        if (f.OptionalBool("scale_attn_by_inverse_layer_idx") == true)
        {
            throw RopeConfigReader.Unsupported(f, "scale_attn_by_inverse_layer_idx", "is true; the export scales attention scores by 1/sqrt(head_dim) only");
        }

        if (f.OptionalBool("scale_attn_weights") == false)
        {
            throw RopeConfigReader.Unsupported(f, "scale_attn_weights", "is false; the export scales attention scores by 1/sqrt(head_dim)");
        }

        if (f.OptionalBool("add_cross_attention") == true)
        {
            throw RopeConfigReader.Unsupported(f, "add_cross_attention", "is true; only decoder-only GPT-2 is exported");
        }

        if (f.OptionalBool("tie_word_embeddings") == false)
        {
            throw RopeConfigReader.Unsupported(f, "tie_word_embeddings", "is false; the GPT-2 export ties the LM head to wte as GPT2LMHeadModel does by " +
                "default");
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

    private static int DivideEvenly(string source, int hidden, int heads)
        => hidden % heads == 0 ? hidden / heads : throw Malformed(source, $"hidden size ({hidden}) is not a multiple of the head count ({heads}) and no " +
            $"head_dim is given.");

    internal static GacException Malformed(string source, string message)
        => GacException.Create(DiagnosticCatalogue.ModelConfigMalformed, $"'{source}': {message}", new SourceLocation(source));
}
