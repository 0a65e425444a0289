using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// RoPE settings from config.json in either form transformers writes: 4.x's top-level rope_theta
/// with rope_scaling, or 5.x's rope_parameters (rope_type, rope_theta and the scaling keys in one
/// object). Read as modeling_rope_utils reads them; types whose result is not a fixed function of
/// the position (dynamic NTK) or that the exporter does not implement are refused.
/// </summary>
internal static class RopeConfigReader
{
    public static IReadOnlyList<string> SupportedTypes { get; } = ["default", "linear", "llama3", "yarn", "longrope"];

    /// <param name="family">What the model_type's own config class changes: Phi-3 rotates a partial head width, maps su / yarn to longrope and defaults
    /// original_max_position_embeddings.</param>
    public static (double Theta, RopeScaling Scaling) Read(ConfigFields f, int maxPositions, int rotaryDim, RopeFamilyRules? family = null)
    {
        // transformers 5 renamed rope_scaling to rope_parameters and moved rope_theta inside it; it
        // still reads the old names, so either may be present.
        var parameters = f.Object("rope_parameters") ?? f.Object("rope_scaling");
        if (parameters is not null && (parameters.Has("full_attention") || parameters.Has("sliding_attention")))
        {
            throw Unsupported(f, parameters.Name("full_attention"), "per-layer-type RoPE parameters (one set for full, one for sliding attention) are " +
                "Gemma-style and not supported for this model_type");
        }

        var partial = PartialRotaryFactor(f);
        if (family?.PartialRotary != true && partial is { } factor && factor != 1.0)
        {
            // LlamaAttention's apply_rotary_pos_emb rotates the whole head: a narrower cos/sin does not broadcast.
            throw Unsupported(f, "partial_rotary_factor", $"is {factor}; this model_type's attention rotates the whole head (transformers fails on a partial " +
                $"rotary width)");
        }

        var theta = parameters?.OptionalPositiveDouble("rope_theta") ?? f.OptionalPositiveDouble("rope_theta") ?? 10000.0;
        var kind = parameters?.OptionalString("rope_type") ?? parameters?.OptionalString("type") ?? "default";
        if (family?.LongRopeAliases is { } aliases && aliases.Contains(kind))
        {
            kind = "longrope";
        }

        var scaling = kind switch
        {
            "default" => RopeScaling.None,
            "linear" => new RopeScaling(RopeScalingKind.Linear, Factor: parameters!.PositiveDouble("factor")),
            "llama3" => Llama3(f, parameters!),
            "yarn" => Yarn(f, parameters!, maxPositions),
            "longrope" => LongRope(f, parameters!, maxPositions, rotaryDim, family?.DefaultOriginalMaxPositions),
            "dynamic" => throw GacException.Create(
                DiagnosticCatalogue.RopeParametersAmbiguous,
                $"'{f.Source}': {parameters!.Name("rope_type")} \"dynamic\" (dynamic NTK) is not supported: transformers recomputes the frequencies from the " +
                    $"longest sequence seen so far, so the same tokens give different logits depending on earlier calls, and no fixed graph reproduces that.",
                new SourceLocation(f.Source)),
            _ => throw GacException.Create(
                DiagnosticCatalogue.RopeScalingUnsupported,
                $"'{f.Source}': rope type \"{kind}\" is not supported; supported: {string.Join(", ", SupportedTypes)}.",
                new SourceLocation(f.Source)),
        };
        return (theta, scaling);
    }

    private static RopeScaling Llama3(ConfigFields f, ConfigFields p)
    {
        var low = p.PositiveDouble("low_freq_factor");
        var high = p.PositiveDouble("high_freq_factor");
        if (high <= low)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeScalingUnsupported,
                $"'{f.Source}': {p.Name("high_freq_factor")} ({high}) must exceed low_freq_factor ({low}).",
                new SourceLocation(f.Source));
        }

        return new RopeScaling(RopeScalingKind.Llama3, p.PositiveDouble("factor"), low, high, p.OptionalPositiveInt("original_max_position_embeddings")
            ?? throw GacException.Create(DiagnosticCatalogue.RopeScalingUnsupported, $"'{f.Source}': \"{p.Name("original_max_position_embeddings")}\" is " +
                $"missing.", new SourceLocation(f.Source)));
    }

    /// <summary>
    /// YaRN as modeling_rope_utils computes it: the ramp over the original context, cos/sin times
    /// attention_factor (given, or 0.1·ln(s)+1, or the mscale / mscale_all_dim ratio DeepSeek uses).
    /// </summary>
    private static RopeScaling Yarn(ConfigFields f, ConfigFields p, int maxPositions)
    {
        var factor = p.PositiveDouble("factor");
        long original = maxPositions;
        if (p.OptionalPositiveInt("original_max_position_embeddings") is { } stated)
        {
            // transformers 4.x uses the factor as written; later versions replace it by
            // max_position_embeddings / original_max_position_embeddings. Only when both agree is the
            // result the same in every version.
            var implied = (double)maxPositions / stated;
            if (Math.Abs(implied - factor) > 1e-9 * factor)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.RopeParametersAmbiguous,
                    $"'{f.Source}': YaRN {p.Name("factor")} is {factor} but max_position_embeddings / original_max_position_embeddings = {maxPositions} / " +
                        $"{stated} = {implied}; transformers versions disagree on which one applies.",
                    new SourceLocation(f.Source));
            }

            original = stated;
        }

        double Mscale(double scale, double m) => scale <= 1 ? 1.0 : (0.1 * m * Math.Log(scale)) + 1.0;
        var mscale = p.OptionalPositiveDouble("mscale");
        var mscaleAllDim = p.OptionalPositiveDouble("mscale_all_dim");
        var attention = p.OptionalPositiveDouble("attention_factor")
            ?? (mscale is { } m && mscaleAllDim is { } all ? Mscale(factor, m) / Mscale(factor, all) : Mscale(factor, 1));
        return new RopeScaling(RopeScalingKind.Yarn, factor, OriginalMaxPositions: original)
        {
            // "or 32" / "or 1" in transformers: 0 means the default too.
            BetaFast = p.OptionalPositiveDouble("beta_fast") ?? 32,
            BetaSlow = p.OptionalPositiveDouble("beta_slow") ?? 1,
            Truncate = p.OptionalBool("truncate") ?? true,
            AttentionFactor = attention,
        };
    }

    /// <summary>
    /// LongRoPE as modeling_rope_utils computes it. The original context comes from rope_parameters
    /// (5.x) or the top level (Phi-3's 4.x configs); 4.x then replaces factor by
    /// max_position_embeddings / original, 5.x keeps a given factor, so a factor that disagrees is
    /// GAC1221. attention_factor: given, else √(1 + ln s / ln original) for s &gt; 1.
    /// </summary>
    private static RopeScaling LongRope(ConfigFields f, ConfigFields p, int maxPositions, int rotaryDim, int? defaultOriginal)
    {
        var shortFactors = p.OptionalPositiveDoubleList("short_factor") ?? throw TransformerConfigReader.Malformed(f.Source,
            $"\"{p.Name("short_factor")}\" is missing.");
        var longFactors = p.OptionalPositiveDoubleList("long_factor") ?? throw TransformerConfigReader.Malformed(f.Source,
            $"\"{p.Name("long_factor")}\" is missing.");
        foreach (var (name, factors) in new[] { ("short_factor", shortFactors), ("long_factor", longFactors) })
        {
            if (factors.Count != rotaryDim / 2)
            {
                throw TransformerConfigReader.Malformed(f.Source, $"\"{p.Name(name)}\" has {factors.Count} entries; the rotary width {rotaryDim} needs " +
                    $"{rotaryDim / 2}.");
            }
        }

        var inside = p.OptionalPositiveInt("original_max_position_embeddings");
        var outside = f.OptionalPositiveInt("original_max_position_embeddings");
        if (inside is { } a && outside is { } b && a != b)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeParametersAmbiguous,
                $"'{f.Source}': {p.Name("original_max_position_embeddings")} ({a}) and the top-level original_max_position_embeddings ({b}) disagree.",
                new SourceLocation(f.Source));
        }

        // Phi3Config always has original_max_position_embeddings (default 4096), so 4.x always divides by it.
        var stated = inside ?? outside ?? defaultOriginal;
        long original = stated ?? maxPositions;
        var implied = (double)maxPositions / original;
        var factor = p.OptionalPositiveDouble("factor") ?? implied;
        if (stated is not null && Math.Abs(factor - implied) > 1e-9 * factor)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeParametersAmbiguous,
                $"'{f.Source}': LongRoPE {p.Name("factor")} is {factor} but max_position_embeddings / original_max_position_embeddings = {implied}; " +
                    $"transformers versions disagree on which one applies.",
                new SourceLocation(f.Source));
        }

        var attention = p.OptionalPositiveDouble("attention_factor")
            ?? (factor <= 1 ? 1.0 : Math.Sqrt(1 + (Math.Log(factor) / Math.Log(original))));
        return new RopeScaling(RopeScalingKind.LongRope, factor, OriginalMaxPositions: original)
        {
            ShortFactors = shortFactors,
            LongFactors = longFactors,
            AttentionFactor = attention,
        };
    }

    /// <summary>partial_rotary_factor from rope_parameters (5.x) or the top level (4.x); null when absent.</summary>
    public static double? PartialRotaryFactor(ConfigFields f)
        => (f.Object("rope_parameters") ?? f.Object("rope_scaling"))?.OptionalDouble("partial_rotary_factor") ?? f.OptionalDouble("partial_rotary_factor");

    internal static GacException Unsupported(ConfigFields f, string field, string why)
        => GacException.Create(
            DiagnosticCatalogue.ConfigFieldUnsupported,
            $"'{f.Source}': \"{field}\" {why}.",
            new SourceLocation(f.Source));
}
