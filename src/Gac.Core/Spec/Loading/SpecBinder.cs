using Gac.Core.Gate;
using Gac.Core.Hardware;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Maps a schema-valid, default-filled document onto the records. Runs only when no error was
/// found, so every value has its schema type here; a failure would be a loader bug.
/// </summary>
internal sealed class SpecBinder(JObject doc, JsonProjection projection, string baseDirectory, SpecPath file)
{
    public GacSpec Bind()
    {
        var calibration = BindCalibration((JObject)doc["calibration"]!);
        var export = BindExport((JObject)doc["export"]!);
        return new GacSpec(
            file,
            (int)doc["version"]!,
            BindModel((JObject)doc["model"]!),
            calibration,
            BindCompress((JObject)doc["compress"]!),
            BindAlignment((JObject)doc["alignment"]!),
            export,
            BindValidation((JObject)doc["validation"]!, calibration),
            BindGate((JObject)doc["gate"]!),
            BindReport((JObject)doc["report"]!, export));
    }

    private ModelSpec BindModel(JObject model)
    {
        var path = PathOf(model["path"])!;
        var declared = Enum<ModelFormat>(model["format"]);
        var format = declared != ModelFormat.Auto
            ? declared
            : Directory.Exists(path.FullPath) ? ModelFormat.HfSafetensors : ModelFormat.Onnx;
        return new ModelSpec(path, format, declared, (bool)model["past_kv"]!, (bool)model["attention_mask"]!);
    }

    private CalibrationSpec BindCalibration(JObject calibration)
    {
        var tokens = PathOf(calibration["tokens"]);
        var text = PathOf(calibration["text"]);
        var npy = calibration["npy"] is JObject files
            ? files.Properties().ToDictionary(p => p.Name, p => PathOf(p.Value)!, StringComparer.Ordinal)
            : new Dictionary<string, SpecPath>(StringComparer.Ordinal);
        var inputs = calibration["inputs"] is JArray generators
            ? generators.Cast<JObject>().Select(i => new CalibrationInput(
                (string)i["name"]!,
                i["shape"]!.Select(d => (long)d).ToArray(),
                Enum<TensorDType>(i["dtype"]),
                (double)i["min"]!,
                (double)i["max"]!)).ToArray()
            : [];
        var source = text is not null ? CalibrationSource.Text
            : tokens is not null ? CalibrationSource.Tokens
            : npy.Count > 0 ? CalibrationSource.Npy
            : inputs.Length > 0 ? CalibrationSource.Inputs
            : CalibrationSource.Generated;
        return new CalibrationSpec(
            (int)calibration["samples"]!,
            (int)calibration["seed"]!,
            source,
            tokens,
            npy,
            inputs,
            Dims(calibration["dims"]),
            text,
            text is null ? null : PathOf(calibration["tokenizer"]) ?? TokenizerBesideCheckpoint(),
            Enum<CalibrationMode>(calibration["mode"]));
    }

    /// <summary>A checkpoint folder's own tokenizer file (SpecSemantics has checked there is one when text is set).</summary>
    private SpecPath? TokenizerBesideCheckpoint()
    {
        if (PathOf(doc["model"]?["path"]) is not { } model || !Directory.Exists(model.FullPath) || TokenizerFiles.FindBeside(model.FullPath) is not { } found)
        {
            return null;
        }

        return new SpecPath(Path.Combine(model.Text, Path.GetFileName(found)), found);
    }

    private static CompressSpec BindCompress(JObject compress)
    {
        var asvd = (JObject)compress["asvd"]!;
        var prune = (JObject)compress["prune"]!;
        return new CompressSpec(
            Enum<CompressionMethod>(compress["method"]),
            compress["ratio"] is { } ratio ? (double)ratio : 0.0,
            new AsvdOptions((double)asvd["alpha"]!, Enum<RankAllocation>(asvd["allocation"])),
            new PruneOptions(
                prune["targets"]!.Select(t => SpecEnumText.Parse<PruneTarget>((string)t!)).ToArray(),
                (int)prune["keep_first_blocks"]!,
                (int)prune["keep_last_blocks"]!));
    }

    private AlignmentSpec BindAlignment(JObject alignment)
    {
        var users = alignment["profiles"] is JArray list
            ? list.Cast<JObject>().Select(BindUserProfile).ToArray()
            : [];
        var name = (string)alignment["profile"]!;
        var user = users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
        var profile = BuiltInProfiles.Find(name) ?? user!.ToProfile(file.Text);
        var multiple = alignment["multiple"] is { } m ? (int?)(int)m : null;
        if (multiple is { } required)
        {
            // Keep "preferred" meaningful: it must itself satisfy the (possibly larger) requirement.
            profile = profile with
            {
                Multiple = required,
                PreferredMultiple = Math.Max(profile.PreferredMultiple, required),
            };
        }

        return new AlignmentSpec(
            Enum<AlignmentStrategy>(alignment["strategy"]),
            profile.Name,
            profile,
            multiple,
            (int)alignment["window"]!,
            Enum<AlignmentObjective>(alignment["objective"]),
            user?.Staircase,
            users)
        {
            Candidates = (int)alignment["candidates"]!,
        };
    }

    private UserProfileSpec BindUserProfile(JObject profile)
    {
        var multiple = (int)profile["multiple"]!;
        return new UserProfileSpec(
            (string)profile["name"]!,
            (string?)profile["description"],
            (string)profile["dtype"]!,
            multiple,
            profile["preferred_multiple"] is { } preferred ? (int)preferred : multiple,
            profile["head_dim_multiple"] is { } head ? (int)head : multiple,
            profile["sm_count"] is { } sm ? (int)sm : null,
            PathOf(profile["staircase"]),
            projection.OriginOf(profile)?.Node.Start.Line ?? 0);
    }

    private ExportSpec BindExport(JObject export) => new(
        PathOf(export["path"])!,
        Enum<ExportDType>(export["dtype"]),
        (int)export["opset"]!,
        Enum<ExternalDataMode>(export["external_data"]),
        (bool)export["genai"]!);

    private ValidationSpec BindValidation(JObject validation, CalibrationSpec calibration) => new(
        Enum<ExecutionProviderChoice>(validation["provider"]),
        PathOf(validation["ort_native_path"]),
        validation["shapes"] is JArray shapes ? shapes.Select(Dims).ToArray() : [calibration.Dims],
        (int)validation["warmup"]!,
        (int)validation["iterations"]!,
        (int)validation["heldout_samples"]!,
        Enum<ValidationSessions>(validation["sessions"]),
        Enum<SentencePooling>(validation["pooling"]),
        (bool)validation["cuda_graph"]!,
        Enum<FidelityMode>(validation["fidelity"]));

    private static GateGoals BindGate(JObject gate) => new(
        ThresholdOf(gate["min_speedup_vs_original"]),
        ThresholdOf(gate["min_speedup_vs_unaligned"]),
        (double?)gate["max_p50_latency_ms"],
        (double?)gate["max_relative_error"],
        (double?)gate["min_cosine"],
        ThresholdOf(gate["max_perplexity_increase"]),
        (double?)gate["min_aligned_percent"],
        (long?)gate["max_parameters"],
        Enum<SpeedupEvidence>(gate["speedup_judged_on"]),
        (double?)gate["max_block_relative_error"]);

    private ReportSpec BindReport(JObject report, ExportSpec export)
    {
        var directory = PathOf(report["directory"]) ?? DefaultReportDirectory(export.Path);
        return new ReportSpec(directory, report["formats"]!.Select(f => SpecEnumText.Parse<ReportFormat>((string)f!)).ToArray());
    }

    private static SpecPath DefaultReportDirectory(SpecPath export)
    {
        var text = Path.GetDirectoryName(export.Text);
        return new SpecPath(string.IsNullOrEmpty(text) ? "." : text, Path.GetDirectoryName(export.FullPath)!);
    }

    private SpecPath? PathOf(JToken? token)
        => token is JValue { Type: JTokenType.String } value && SpecPaths.TryResolve((string)value!, baseDirectory, out var path) ? path : null;

    private static IReadOnlyDictionary<string, long> Dims(JToken? token)
        => token is JObject dims
            ? dims.Properties().ToDictionary(p => p.Name, p => (long)p.Value, StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Keeps the number as written ("1.20", not "1.2") for reports.</summary>
    private static Threshold? ThresholdOf(JToken? token) => token switch
    {
        // The schema's pattern has already checked the "20%" form.
        JValue { Type: JTokenType.String } text => Threshold.Parse((string)text!),
        JValue { Type: JTokenType.Integer or JTokenType.Float } number => Threshold.Absolute((double)number),
        _ => null,
    };

    private static TEnum Enum<TEnum>(JToken? token)
        where TEnum : struct, Enum
        => SpecEnumText.Parse<TEnum>((string)token!);
}
