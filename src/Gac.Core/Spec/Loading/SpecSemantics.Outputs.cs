using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Spec.Loading;

/// <summary>Cross-field rules of the alignment, export.genai, validation and gate sections.</summary>
internal sealed partial class SpecSemantics
{
    // export.genai needs the decode graph GenAI drives: a k/v cache and the attention mask inputs.
    private static readonly string[] GenAiRequiredModelFlags = ["past_kv", "attention_mask"];

    private void CheckAlignment()
    {
        var userNames = new Dictionary<string, JToken>(StringComparer.OrdinalIgnoreCase);
        if (Get("alignment", "profiles") is JArray profiles)
        {
            foreach (var profile in profiles.OfType<JObject>())
            {
                var nameToken = profile["name"];
                if (Text(nameToken) is { } name)
                {
                    if (BuiltInProfiles.Find(name) is not null)
                    {
                        Fail(nameToken!, DiagnosticCatalogue.SpecDuplicateEntry, $"The user profile '{name}' has the name of a built-in profile; pick " +
                            $"another name (built-ins: {SpecWording.List(BuiltInProfiles.All.Select(p => p.Name))}).");
                    }
                    else if (!userNames.TryAdd(name, nameToken!))
                    {
                        Fail(nameToken!, DiagnosticCatalogue.SpecDuplicateEntry, $"Two profiles are named '{name}' (first at line " +
                            $"{PositionOf(userNames[name]).Line}); profile names must be unique.");
                    }
                }

                if (Integer(profile["multiple"]) is { } multiple && Integer(profile["preferred_multiple"]) is { } preferred && preferred % multiple != 0)
                {
                    Fail(profile["preferred_multiple"]!, DiagnosticCatalogue.SpecConflictingOptions,
                        $"{Place(profile)}: preferred_multiple ({preferred}) is not a multiple of multiple ({multiple}); every preferred dimension must also " +
                        $"meet the requirement. Use {Math.Max(preferred, multiple)} or more.");
                }

                if (Text(profile["staircase"]) is { } staircaseText && Resolve(profile["staircase"]!, staircaseText) is { } staircase)
                {
                    ExpectFile(profile["staircase"]!, staircase, $"{Place(profile)}.staircase", "the latency staircase (made by `gac-build profile`)");
                }
            }
        }

        var profileToken = Get("alignment", "profile");
        if (Text(profileToken) is { } selected && BuiltInProfiles.Find(selected) is null && !userNames.ContainsKey(selected))
        {
            var known = BuiltInProfiles.All.Select(p => p.Name).Concat(userNames.Keys).ToList();
            var near = SpellingSuggestion.Closest(selected, known) is { } n ? $" Did you mean '{n}'?" : "";
            Fail(profileToken!, DiagnosticCatalogue.SpecUnknownProfile, $"alignment.profile '{selected}' is not a known profile.{near} Known profiles: " +
                $"{SpecWording.List(known)}; define new ones under alignment.profiles.");
        }
    }

    private void CheckGenAi()
    {
        if (Get("export", "genai") is not JValue { Type: JTokenType.Boolean, Value: true } genai)
        {
            return;
        }

        if (IsOnnxModel(out var onnx))
        {
            Fail(genai, DiagnosticCatalogue.SpecConflictingOptions, $"export.genai: true writes genai_config.json from a Hugging Face checkpoint's " +
                $"config.json, but model.path '{onnx}' is an ONNX model. Point model.path at the Hugging Face folder (config.json + *.safetensors).");
            return;
        }

        var missing = GenAiRequiredModelFlags.Where(k => Get("model", k) is not JValue { Type: JTokenType.Boolean, Value: true }).ToList();
        if (missing.Count > 0)
        {
            Fail(genai, DiagnosticCatalogue.SpecConflictingOptions, $"export.genai: true needs the graph ONNX Runtime GenAI drives: a k/v cache and " +
                $"attention_mask/position_ids inputs. Add {string.Join(" and ", missing.Select(k => $"{k}: true"))} under model:.");
        }
    }

    private void CheckValidation()
    {
        if (Path("validation", "ort_native_path") is not { } native)
        {
            return;
        }

        var token = Get("validation", "ort_native_path")!;
        if (!Directory.Exists(native.FullPath))
        {
            NotFound(token, native, "validation.ort_native_path", "the folder holding a GPU build of libonnxruntime.so");
        }
        else if (Text(Get("validation", "provider")) == "cpu")
        {
            Warn(token, "validation.ort_native_path is ignored because validation.provider is cpu (the bundled CPU runtime is used). Remove it, or set " +
                "provider to cuda or auto.");
        }
    }

    private void CheckGate()
    {
        if (Get("gate", "max_perplexity_increase") is { } perplexity && Get("calibration", "tokens") is null && Get("calibration", "text") is null)
        {
            Fail(perplexity, DiagnosticCatalogue.SpecConflictingOptions, "gate.max_perplexity_increase needs token data: perplexity is measured on held-out " +
                "token sequences from calibration.tokens or calibration.text, neither of which is set. Add one, or gate on max_relative_error / min_cosine " +
                "instead.");
        }

        if (Get("validation", "pooling") is { } pooling && Text(pooling) is "mean" or "cls" && Get("calibration", "text") is null)
        {
            Warn(pooling, "validation.pooling is ignored: sentence pooling needs the attention mask of real sentences from calibration.text, which is not " +
                "set. Remove it, or add calibration.text.");
        }

        if (Get("gate", "min_speedup_vs_unaligned") is { } unaligned && Text(Get("alignment", "strategy")) == "none")
        {
            Fail(unaligned, DiagnosticCatalogue.SpecConflictingOptions, "gate.min_speedup_vs_unaligned cannot be met when alignment.strategy is none: the " +
                "aligned and unaligned models are then the same. Remove the check, or choose a strategy such as gac.");
        }
    }
}
