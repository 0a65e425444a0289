using System.Text.Json;
using System.Text.Json.Nodes;
using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Onnx.Exporters;

/// <summary>
/// genai_config.json for an export with a k/v cache, attention_mask and position_ids: the file ONNX
/// Runtime GenAI reads beside a decoder to know its shape, its graph names and how to search. Written
/// from the checkpoint's config.json and, where present, generation_config.json (which wins, as in
/// transformers). Every field is a translation with the same meaning; a field GenAI has no exact
/// equivalent for is refused (GAC1700–GAC1705), never dropped or defaulted.
/// </summary>
public static class GenAiConfig
{
    public const string FileName = "genai_config.json";

    public const string GenerationConfigFileName = "generation_config.json";

    /// <summary>
    /// model_type values GenAI runs as a plain decoder (its DecoderOnly model: separate key/value
    /// caches, the graph does attention and RoPE itself). GenAI drives "gpt2" through another model
    /// class with one combined past_%d cache per layer, which this export does not have.
    /// </summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "mistral", "qwen2", "qwen3", "phi3"];

    /// <summary>
    /// Hugging Face GenerationConfig fields and their defaults (transformers' generation/configuration_utils),
    /// each the GenAI search option of the same meaning. Written with the default when the checkpoint
    /// leaves a field out, since GenAI's own defaults differ for some (max_length: the context
    /// instead of 20; early_stopping: true instead of false).
    /// </summary>
    private static readonly (string Name, bool IsFlag, double Default)[] SearchFields =
    [
        ("do_sample", true, 0),
        ("num_beams", false, 1),
        ("num_return_sequences", false, 1),
        ("max_length", false, 20),
        ("min_length", false, 0),
        ("top_k", false, 50),
        ("top_p", false, 1.0),
        ("temperature", false, 1.0),
        ("repetition_penalty", false, 1.0),
        ("length_penalty", false, 1.0),
        ("no_repeat_ngram_size", false, 0),
        ("early_stopping", true, 0),
    ];

    /// <summary>Fields whose value changes nothing GenAI does: provenance, and the cache GenAI always uses.</summary>
    private static readonly Dictionary<string, JsonNode?> Harmless = new(StringComparer.Ordinal)
    {
        ["transformers_version"] = null,
        ["_from_model_config"] = null,
        ["use_cache"] = JsonValue.Create(true),
        ["diversity_penalty"] = JsonValue.Create(0.0),
    };

    private static readonly string[] TokenFields = ["bos_token_id", "eos_token_id", "pad_token_id"];

    /// <param name="config">The checkpoint's parsed config.</param>
    /// <param name="checkpointFolder">Holds config.json and, optionally, generation_config.json.</param>
    /// <param name="modelFileName">The artifact's file name, beside which the config is written.</param>
    /// <param name="graphInputs">The published graph's input names, checked against what the config names.</param>
    /// <param name="graphOutputs">Its output names.</param>
    public static string Create(TransformerConfig config, string checkpointFolder, string modelFileName, IReadOnlyCollection<string> graphInputs, IReadOnlyCollection<string> graphOutputs)
    {
        if (!SupportedModelTypes.Contains(config.ModelType))
        {
            throw GacException.Create(
                DiagnosticCatalogue.GenAiModelTypeUnsupported,
                $"model_type '{config.ModelType}': ONNX Runtime GenAI runs {string.Join(", ", SupportedModelTypes)} with this export's graph{(config.ModelType == "gpt2" ? "; it drives gpt2 with one combined past_%d cache per layer, and the export keeps key and value apart" : string.Empty)}.",
                new SourceLocation(Path.Combine(checkpointFolder, "config.json")));
        }

        var decoder = Decoder(config, modelFileName, graphInputs, graphOutputs);
        var modelJson = ReadObject(Path.Combine(checkpointFolder, "config.json"))!;
        var generationPath = Path.Combine(checkpointFolder, GenerationConfigFileName);
        var generation = ReadObject(generationPath);
        var model = new JsonObject { ["type"] = config.ModelType, ["vocab_size"] = config.VocabSize, ["context_length"] = config.MaxPositions, ["decoder"] = decoder };
        AddTokenIds(model, modelJson, generation, config, checkpointFolder);
        var search = Search(generation, generationPath);
        var root = new JsonObject { ["model"] = model, ["search"] = search };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Decoder(TransformerConfig config, string modelFileName, IReadOnlyCollection<string> graphInputs, IReadOnlyCollection<string> graphOutputs)
    {
        // GenAI formats the cache names with the layer index (printf's %d).
        var inputs = new JsonObject
        {
            ["input_ids"] = CheckpointExport.InputName,
            ["attention_mask"] = CheckpointExport.AttentionMaskName,
            ["position_ids"] = CheckpointExport.PositionIdsName,
            ["past_key_names"] = CheckpointExport.PastKeyName(0).Replace(".0.", ".%d.", StringComparison.Ordinal),
            ["past_value_names"] = CheckpointExport.PastValueName(0).Replace(".0.", ".%d.", StringComparison.Ordinal),
        };
        var outputs = new JsonObject
        {
            ["logits"] = CheckpointExport.OutputName,
            ["present_key_names"] = CheckpointExport.PresentKeyName(0).Replace(".0.", ".%d.", StringComparison.Ordinal),
            ["present_value_names"] = CheckpointExport.PresentValueName(0).Replace(".0.", ".%d.", StringComparison.Ordinal),
        };
        var expectedInputs = new[] { CheckpointExport.InputName, CheckpointExport.AttentionMaskName, CheckpointExport.PositionIdsName }
            .Concat(Enumerable.Range(0, config.Layers).SelectMany(i => new[] { CheckpointExport.PastKeyName(i), CheckpointExport.PastValueName(i) }));
        var expectedOutputs = new[] { CheckpointExport.OutputName }
            .Concat(Enumerable.Range(0, config.Layers).SelectMany(i => new[] { CheckpointExport.PresentKeyName(i), CheckpointExport.PresentValueName(i) }));
        var missing = expectedInputs.Except(graphInputs).Concat(expectedOutputs.Except(graphOutputs)).ToList();
        if (missing.Count > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.GenAiGraphMismatch,
                $"'{modelFileName}' has no {string.Join(", ", missing.Take(4).Select(m => $"'{m}'"))}{(missing.Count > 4 ? $" (and {missing.Count - 4} more)" : string.Empty)}, which genai_config.json would name; its inputs are {string.Join(", ", graphInputs)}.");
        }

        return new JsonObject
        {
            ["filename"] = modelFileName,
            ["head_size"] = config.HeadDim,
            ["hidden_size"] = config.HiddenSize,
            ["num_attention_heads"] = config.Heads,
            ["num_key_value_heads"] = config.KvHeads,
            ["num_hidden_layers"] = config.Layers,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
        };
    }

    /// <summary>
    /// eos (one id or a list), bos and pad from generation_config.json, else config.json. No pad:
    /// transformers' generate pads with the (first) eos id, and so does this file; padded positions
    /// are masked out either way. No eos is refused: GenAI would take pad (0 by default) as eos.
    /// </summary>
    private static void AddTokenIds(JsonObject model, JsonObject config, JsonObject? generation, TransformerConfig shape, string folder)
    {
        var ids = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var field in TokenFields)
        {
            var (node, file) = generation?[field] is { } fromGeneration ? (fromGeneration, GenerationConfigFileName) : (config[field], "config.json");
            if (node is null)
            {
                continue;
            }

            var values = node is JsonArray list && field == "eos_token_id" ? list.ToList() : [node];
            ids[field] = values.Select(v => TokenId(v, field, file, shape.VocabSize, folder)).ToList();
        }

        if (!ids.TryGetValue("eos_token_id", out var eos) || eos.Count == 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.GenAiTokenIdInvalid,
                $"Neither {GenerationConfigFileName} nor config.json in '{folder}' declares eos_token_id; GenAI would stop at token {ids.GetValueOrDefault("pad_token_id")?.FirstOrDefault() ?? 0} (its pad id) without being told. Declare it in {GenerationConfigFileName}.",
                new SourceLocation(Path.Combine(folder, GenerationConfigFileName)));
        }

        if (ids.TryGetValue("bos_token_id", out var bos))
        {
            model["bos_token_id"] = bos[0];
        }

        model["eos_token_id"] = eos.Count == 1 ? JsonValue.Create(eos[0]) : new JsonArray(eos.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
        model["pad_token_id"] = ids.TryGetValue("pad_token_id", out var pad) ? pad[0] : eos[0];
    }

    private static long TokenId(JsonNode? node, string field, string file, int vocabulary, string folder)
    {
        if (node is JsonValue value && value.TryGetValue<long>(out var id) && id >= 0 && id < vocabulary)
        {
            return id;
        }

        throw GacException.Create(
            DiagnosticCatalogue.GenAiTokenIdInvalid,
            $"{field} in {file} is {node?.ToJsonString() ?? "null"}; GenAI takes token ids as integers below vocab_size {vocabulary}{(field == "eos_token_id" ? " (or a list of them)" : string.Empty)}.",
            new SourceLocation(Path.Combine(folder, file)));
    }

    private static JsonObject Search(JsonObject? generation, string path)
    {
        var search = new JsonObject();
        foreach (var (name, isFlag, fallback) in SearchFields)
        {
            var node = generation?[name];
            if (node is null)
            {
                search[name] = isFlag ? JsonValue.Create(fallback != 0) : JsonValue.Create(fallback);
                continue;
            }

            var given = node.GetValueKind();
            var fits = isFlag ? given is JsonValueKind.True or JsonValueKind.False : given == JsonValueKind.Number;
            if (!fits)
            {
                // transformers' early_stopping also takes "never"; GenAI's is a bool.
                throw Untranslatable(path, $"{name} is {node.ToJsonString()}; GenAI's {name} takes {(isFlag ? "true or false" : "a number")}");
            }

            search[name] = node.DeepClone();
        }

        // The export concatenates the past and the new keys into a fresh present tensor; GenAI's shared
        // buffer would instead hand the graph a past preallocated to max_length (PLATFORM-NOTES.md).
        search["past_present_share_buffer"] = false;
        foreach (var (name, node) in generation ?? [])
        {
            if (node is null || TokenFields.Contains(name) || SearchFields.Any(f => f.Name == name))
            {
                continue;
            }

            if (!Harmless.TryGetValue(name, out var harmless) || (harmless is not null && !JsonNode.DeepEquals(harmless, node)))
            {
                throw Untranslatable(path, $"{name} is {node.ToJsonString()}, and genai_config.json's search section has no option that does the same");
            }
        }

        return search;
    }

    /// <summary>
    /// The checkpoint's tokenizer files GenAI's Tokenizer reads (tokenizer_config.json names the
    /// tokenizer class; tokenizer.json or a SentencePiece tokenizer.model holds it) and the ones
    /// beside them that complete its special tokens. GAC1703 when the two it needs are absent.
    /// </summary>
    public static IReadOnlyList<string> TokenizerFiles(string checkpointFolder)
    {
        string[] names = ["tokenizer_config.json", "tokenizer.json", "tokenizer.model", "special_tokens_map.json", "added_tokens.json"];
        var present = names.Select(n => Path.Combine(checkpointFolder, n)).Where(File.Exists).ToList();
        var hasConfig = present.Any(p => Path.GetFileName(p) == "tokenizer_config.json");
        var hasModel = present.Any(p => Path.GetFileName(p) is "tokenizer.json" or "tokenizer.model");
        if (!hasConfig || !hasModel)
        {
            throw GacException.Create(
                DiagnosticCatalogue.GenAiTokenizerMissing,
                $"'{checkpointFolder}' has {(present.Count == 0 ? "no tokenizer file" : string.Join(", ", present.Select(Path.GetFileName)))}; GenAI's Tokenizer needs tokenizer_config.json and tokenizer.json (or tokenizer.model).",
                new SourceLocation(checkpointFolder));
        }

        return present;
    }

    private static GacException Untranslatable(string path, string why)
        => GacException.Create(DiagnosticCatalogue.GenAiGenerationFieldUntranslatable, $"{GenerationConfigFileName}: {why}. Remove the field (or set it to null), or set export.genai: false.", new SourceLocation(path));

    /// <summary>The file's top-level object; null when the file is absent (only generation_config.json may be).</summary>
    private static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw GacException.Create(DiagnosticCatalogue.GenAiConfigUnreadable, $"'{path}' is not a JSON object.", new SourceLocation(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.GenAiConfigUnreadable, $"'{path}' cannot be read as JSON: {e.Message}", new SourceLocation(path), e);
        }
    }
}
