using Gac.Core.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// The rules a JSON schema cannot express well: files exist, names resolve, options agree with
/// each other. Runs even when the schema found errors (skipping values that already failed), so
/// one run reports everything.
/// </summary>
internal sealed partial class SpecSemantics(JObject root, JsonProjection projection, HashSet<JToken> failed, DiagnosticSink sink, string baseDirectory)
{
    private static readonly string[] CalibrationSources = ["text", "tokens", "npy", "inputs"];

    public void Check()
    {
        CheckFiniteNumbers(root);
        CheckModel();
        CheckPastKeyValues();
        CheckOpsetOfOnnxModel();
        CheckCalibration();
        CheckCompress();
        CheckAlignment();
        CheckExport();
        CheckValidation();
        CheckGate();
        _ = Path("report", "directory");
    }

    private void CheckFiniteNumbers(JContainer token)
    {
        foreach (var value in token.DescendantsAndSelf().OfType<JValue>())
        {
            if (value.Value is double d && !double.IsFinite(d) && !failed.Contains(value))
            {
                Fail(value, DiagnosticCatalogue.SpecValueOutOfRange, $"{Place(value)} is {SpecWording.Literal(value)}; every number in gac.yaml must be " +
                    $"finite.");
            }
        }
    }

    private void CheckModel()
    {
        if (Path("model", "path") is not { } model || Get("model", "path") is not { } token)
        {
            return;
        }

        if (!Directory.Exists(model.FullPath) && !File.Exists(model.FullPath))
        {
            NotFound(token, model, "model.path", "the model (.onnx file or Hugging Face folder)");
        }
        else if (ModelPathProblem(model, Text(Get("model", "format")) ?? "auto") is { } problem)
        {
            Fail(token, DiagnosticCatalogue.SpecNotAModel, problem);
        }
    }

    /// <summary>Why an existing model.path is not a model of model.format; null when it is one.</summary>
    private static string? ModelPathProblem(SpecPath model, string format) => (Directory.Exists(model.FullPath), format) switch
    {
        (true, "onnx") => $"model.path '{model.Text}' is a folder, but model.format is onnx. Point model.path at the " +
            $".onnx file, or set format to hf-safetensors or auto.",
        (true, _) when !SpecPaths.IsHuggingFaceFolder(model.FullPath) => $"model.path '{model.Text}' is a folder without config.json and " +
            $"*.safetensors files ({model.FullPath}). Point it at an .onnx file or a Hugging Face model folder.",
        (false, "hf-safetensors") => $"model.path '{model.Text}' is a file, but model.format is hf-safetensors, which reads a " +
            $"folder with config.json and *.safetensors. Point model.path at that folder, or set format to onnx or auto.",
        (false, _) when !SpecPaths.IsOnnxFile(model.FullPath) => $"model.path '{model.Text}' is not an .onnx file. Point it at an .onnx file " +
            $"or at a Hugging Face model folder (config.json + *.safetensors).",
        _ => null,
    };

    /// <summary>
    /// model.past_kv and model.attention_mask shape the graph the Hugging Face exporter writes; an ONNX
    /// model's inputs are used as they are. Head pruning changes the head count the cache inputs are declared with.
    /// </summary>
    private void CheckPastKeyValues()
    {
        if (Get("model", "attention_mask") is JValue { Type: JTokenType.Boolean, Value: true } mask && IsOnnxModel(out var onnx))
        {
            Fail(mask, DiagnosticCatalogue.SpecConflictingOptions, $"model.attention_mask: true adds attention_mask and position_ids when a Hugging Face " +
                $"folder is exported, but model.path '{onnx}' is an ONNX model, used with the inputs it has. Remove attention_mask, or point model.path at " +
                $"the Hugging Face folder (config.json + *.safetensors).");
        }

        if (Get("model", "past_kv") is not JValue { Type: JTokenType.Boolean, Value: true } pastKv)
        {
            return;
        }

        if (IsOnnxModel(out var text))
        {
            Fail(pastKv, DiagnosticCatalogue.SpecConflictingOptions, $"model.past_kv: true adds a k/v cache when a Hugging Face folder is exported, but " +
                $"model.path '{text}' is an ONNX model, used with the inputs it has. Remove past_kv, or point model.path at the Hugging Face folder " +
                $"(config.json + *.safetensors).");
            return;
        }

        var targets = Get("compress", "prune", "targets") is JArray given ? given.Select(Text).ToList() : ["heads"];
        if (Text(Get("compress", "method")) == "prune" && targets.Contains("heads"))
        {
            Fail(pastKv, DiagnosticCatalogue.SpecConflictingOptions, "model.past_kv: true declares the k/v cache inputs with the model's head count, which " +
                "pruning heads would change (compress.prune.targets includes heads, the default). Set compress.prune.targets: [mlp], or past_kv: false.");
        }
    }

    /// <summary>export.opset shapes the graph the Hugging Face exporter writes; an ONNX model is rewritten in its own opset (no conversion).</summary>
    private void CheckOpsetOfOnnxModel()
    {
        if (Get("export", "opset") is { } opset && IsOnnxModel(out var onnx))
        {
            Warn(opset, $"export.opset is ignored: model.path '{onnx}' is an ONNX model, and the compressed model keeps that model's own opset " +
                "(gac-build does not convert opsets). Remove export.opset, or point model.path at a Hugging Face folder.");
        }
    }

    /// <summary>model.path names an ONNX file (declared, or a file where format is auto), not a Hugging Face folder.</summary>
    private bool IsOnnxModel(out string text)
    {
        var format = Text(Get("model", "format")) ?? "auto";
        text = Text(Get("model", "path")) ?? string.Empty;
        return text.Length > 0 && SpecPaths.TryResolve(text, baseDirectory, out var model)
            && (format == "onnx" || (format == "auto" && File.Exists(model.FullPath)));
    }

    private void CheckCalibration()
    {
        if (Get("calibration") is not JObject calibration)
        {
            return;
        }

        var given = calibration.Properties().Where(p => CalibrationSources.Contains(p.Name)).ToList();
        foreach (var extra in given.Skip(1))
        {
            Fail(extra, DiagnosticCatalogue.SpecConflictingOptions, $"calibration.{extra.Name} conflicts with calibration.{given[0].Name} (line " +
                $"{PositionOf(given[0]).Line}): give only one calibration source — text (real text, the model's tokenizer), tokens (language models), npy " +
                $"(recorded tensors) or inputs (generated).");
        }

        CheckText();

        if (Path("calibration", "tokens") is { } tokens)
        {
            ExpectFile(Get("calibration", "tokens")!, tokens, "calibration.tokens", "the token-id file");
        }

        if (Get("calibration", "npy") is JObject npy)
        {
            foreach (var property in npy.Properties())
            {
                if (Text(property.Value) is { } text && Resolve(property.Value, text) is { } file)
                {
                    ExpectFile(property.Value, file, $"calibration.npy.{property.Name}", $"the .npy tensor for input '{property.Name}'");
                }
            }
        }

        if (Get("calibration", "inputs") is JArray inputs)
        {
            var names = new Dictionary<string, JToken>(StringComparer.Ordinal);
            foreach (var input in inputs.OfType<JObject>())
            {
                if (Text(input["name"]) is { } name && !names.TryAdd(name, input["name"]!))
                {
                    Fail(input["name"]!, DiagnosticCatalogue.SpecDuplicateEntry, $"calibration.inputs names '{name}' twice (first at line " +
                        $"{PositionOf(names[name]).Line}); give each graph input one generator.");
                }

                if (Number(input["min"]) is { } min && Number(input["max"]) is { } max && min > max)
                {
                    Fail(input["min"]!, DiagnosticCatalogue.SpecConflictingOptions, $"{Place(input)}: min ({min}) is larger than max ({max}); swap them.");
                }
            }
        }
    }

    /// <summary>calibration.text needs the model's own tokenizer: named for an ONNX model, found beside a checkpoint.</summary>
    private void CheckText()
    {
        var tokenizerToken = Get("calibration", "tokenizer");
        if (Path("calibration", "tokenizer") is { } tokenizer)
        {
            if (Get("calibration", "text") is null)
            {
                Warn(tokenizerToken!, "calibration.tokenizer is ignored: only calibration.text is tokenized. Remove it, or add calibration.text.");
            }
            else if (TokenizerFiles.KindOf(tokenizer.FullPath) is null)
            {
                Fail(tokenizerToken!, DiagnosticCatalogue.SpecTokenizerKindUnsupported, $"calibration.tokenizer '{tokenizer.Text}' is not a tokenizer file " +
                    $"Gac.Build reads: name a WordPiece vocab.txt (*.txt), a SentencePiece tokenizer.model (*.model) or a Hugging Face tokenizer.json " +
                    $"(*.json).");
            }
            else
            {
                ExpectFile(tokenizerToken!, tokenizer, "calibration.tokenizer", "the model's tokenizer file");
            }
        }

        if (Get("calibration", "text") is not { } textToken || Path("calibration", "text") is not { } text)
        {
            return;
        }

        ExpectFile(textToken, text, "calibration.text", "a UTF-8 text file or a .jsonl file of {\"text\": ...} records");
        if (tokenizerToken is not null || Path("model", "path") is not { } model)
        {
            return;
        }

        if (!Directory.Exists(model.FullPath))
        {
            Fail(textToken, DiagnosticCatalogue.SpecTokenizerMissing, $"calibration.text needs the model's tokenizer, and an ONNX model does not carry one: " +
                $"set calibration.tokenizer to its vocab.txt, tokenizer.model or tokenizer.json.");
        }
        else if (TokenizerFiles.FindBeside(model.FullPath) is null)
        {
            Fail(textToken, DiagnosticCatalogue.SpecTokenizerMissing, $"calibration.text needs the model's tokenizer, and the checkpoint folder " +
                $"'{model.Text}' has none of {string.Join(", ", TokenizerFiles.BesideCheckpoint)}: add the model's tokenizer file there, or set " +
                $"calibration.tokenizer.");
        }
    }

    private void CheckCompress()
    {
        var method = Text(Get("compress", "method"));
        if (method is null || Get("compress") is not JObject compress)
        {
            return;
        }

        var ratio = Get("compress", "ratio");
        if (method != "none" && !compress.ContainsKey("ratio"))
        {
            Fail(compress, DiagnosticCatalogue.SpecMissingField, $"'compress' is missing the required field 'ratio' for method {method}: the fraction of " +
                $"linear-layer parameters to remove, 0 <= ratio < 1. Add e.g. `ratio: 0.15` under 'compress'.", warnOnly: false, keyPosition: true);
        }
        else if (method == "none" && Number(ratio) is > 0)
        {
            Warn(ratio!, $"compress.ratio is ignored because method is none (nothing is removed). Remove ratio, or choose a method (asvd, svd, prune).");
        }

        if (method != "asvd" && Get("compress", "asvd") is { } asvd)
        {
            Warn(asvd, $"compress.asvd is ignored because method is {method}. Remove it, or set method: asvd.");
        }

        if (method != "prune" && Get("compress", "prune") is { } prune)
        {
            Warn(prune, $"compress.prune is ignored because method is {method}. Remove it, or set method: prune.");
        }
    }

    private void CheckExport()
    {
        if (Path("export", "path") is not { } export)
        {
            return;
        }

        if (Get("model", "path") is { } modelToken && Text(modelToken) is { } modelText
            && SpecPaths.TryResolve(modelText, baseDirectory, out var model)
            && string.Equals(model.FullPath, export.FullPath, StringComparison.Ordinal))
        {
            Fail(Get("export", "path")!, DiagnosticCatalogue.SpecConflictingOptions, $"export.path '{export.Text}' is the model being compressed; writing " +
                $"there would destroy the input. Choose another file, e.g. '{System.IO.Path.ChangeExtension(export.Text, ".gac.onnx")}'.");
        }
        else if (Directory.Exists(export.FullPath))
        {
            Fail(Get("export", "path")!, DiagnosticCatalogue.SpecConflictingOptions, $"export.path '{export.Text}' is an existing folder; give the .onnx " +
                $"file name to write inside it.");
        }

        CheckGenAi();
    }

    /// <summary>
    /// GenAI runs the graph with its k/v cache and feeds attention_mask and position_ids; without the
    /// mask a padded batch would silently give other tokens than each prompt alone.
    /// </summary>
    private JToken? Get(params string[] path)
    {
        JToken? token = root;
        foreach (var name in path)
        {
            token = token is JObject obj && obj.TryGetValue(name, StringComparison.Ordinal, out var child) ? child : null;
        }

        return token is null || failed.Contains(token) ? null : token;
    }

    private SpecPath? Path(params string[] path)
        => Get(path) is { } token && Text(token) is { } text ? Resolve(token, text) : null;

    private SpecPath? Resolve(JToken token, string text)
    {
        if (SpecPaths.TryResolve(text, baseDirectory, out var resolved))
        {
            return resolved;
        }

        Fail(token, DiagnosticCatalogue.SpecInvalidPath, $"{Place(token)} '{text}' is not a valid path on this system (it contains a character such as NUL " +
            $"that file names cannot hold).");
        return null;
    }

    private string? Text(JToken? token)
        => token is JValue { Type: JTokenType.String } value && !failed.Contains(token) ? (string?)value : null;

    private double? Number(JToken? token)
        => token is JValue { Type: JTokenType.Integer or JTokenType.Float } value && !failed.Contains(token) ? (double)value : null;

    private long? Integer(JToken? token)
        => token is JValue { Type: JTokenType.Integer, Value: long value } && !failed.Contains(token) ? value : null;

    private void ExpectFile(JToken token, SpecPath path, string what, string meaning)
    {
        if (!File.Exists(path.FullPath))
        {
            NotFound(token, path, what, meaning);
        }
    }

    private void NotFound(JToken token, SpecPath path, string what, string meaning)
        => Fail(token, DiagnosticCatalogue.SpecPathNotFound, $"{what} '{path.Text}' does not exist (looked for {path.FullPath}); it should be {meaning}. " +
            $"Relative paths are resolved against the folder holding gac.yaml ({baseDirectory}).");

    private void Warn(JToken token, string message) => Fail(token, DiagnosticCatalogue.SpecOptionIgnored, message, warnOnly: true, keyPosition: true);

    private void Fail(JToken token, DiagnosticDescriptor descriptor, string message, bool warnOnly = false, bool keyPosition = false)
    {
        if (!warnOnly)
        {
            failed.Add(token);
        }

        var origin = projection.OriginOf(token);
        var at = origin is null ? new SourcePosition(1, 1) : keyPosition ? origin.KeyOrNodeStart : origin.Node.Start;
        sink.Report(descriptor, message, at);
    }

    private SourcePosition PositionOf(JToken token) => projection.OriginOf(token)?.Node.Start ?? new SourcePosition(1, 1);

    private string Place(JToken token) => projection.OriginOf(token)?.Path is { Length: > 0 } path ? path : "the value";
}
