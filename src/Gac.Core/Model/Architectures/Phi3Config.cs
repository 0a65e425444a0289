using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// The config.json fields Phi-3 reads differently from Llama (transformers' configuration_phi3 /
/// modeling_phi3 / modeling_rope_utils): RoPE is the default or longrope ("su" and "yarn" are old
/// names for longrope there, not YaRN), and partial_rotary_factor narrows the rotated part of each
/// head (Phi-4-mini, model_type phi3, uses 0.75).
/// </summary>
internal static class Phi3Config
{
    /// <summary>Phi3Config's default original_max_position_embeddings.</summary>
    private const int DefaultOriginalMaxPositions = 4096;

    public static (double Theta, RopeScaling Scaling) ReadRope(ConfigFields f, int maxPositions, int rotaryDim)
    {
        var parameters = f.Object("rope_parameters") ?? f.Object("rope_scaling");
        var kindField = parameters is not null && parameters.Has("rope_type") ? "rope_type" : "type";
        var kind = parameters?.OptionalString(kindField) ?? "default";
        if (kind == "default")
        {
            return RopeConfigReader.Read(f, maxPositions, allowPartialRotary: true);
        }

        if (kind is not ("longrope" or "su" or "yarn"))
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeScalingUnsupported,
                $"'{f.Source}': {parameters!.Name(kindField)} \"{kind}\" is not supported for phi3: Phi3Config accepts only default and longrope (su and yarn are old names of longrope).",
                new SourceLocation(f.Source));
        }

        var p = parameters!;
        var theta = p.OptionalPositiveDouble("rope_theta") ?? f.OptionalPositiveDouble("rope_theta") ?? 10000.0;
        var shortFactor = Factors(f, p, "short_factor", rotaryDim);
        var longFactor = Factors(f, p, "long_factor", rotaryDim);
        var original = p.OptionalPositiveInt("original_max_position_embeddings") ?? f.OptionalPositiveInt("original_max_position_embeddings") ?? DefaultOriginalMaxPositions;

        // transformers 4.x always replaces factor by max_position_embeddings / original_max_position_embeddings;
        // 5.x uses a stated factor. Only when they agree is the result the same in every version.
        var implied = (double)maxPositions / original;
        if (p.OptionalPositiveDouble("factor") is { } stated && Math.Abs(stated - implied) > 1e-9 * implied)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeParametersAmbiguous,
                $"'{f.Source}': longrope {p.Name("factor")} is {stated.ToString(CultureInfo.InvariantCulture)} but max_position_embeddings / original_max_position_embeddings = {maxPositions} / {original} = {implied.ToString(CultureInfo.InvariantCulture)}; transformers versions disagree on which one applies.",
                new SourceLocation(f.Source));
        }

        // LongRoPE paper's attention scaling, as _compute_longrope_parameters sets it when not given.
        var attention = p.OptionalPositiveDouble("attention_factor") ?? (implied <= 1 ? 1.0 : Math.Sqrt(1 + (Math.Log(implied) / Math.Log(original))));
        return (theta, new RopeScaling(RopeScalingKind.LongRope, implied, OriginalMaxPositions: original)
        {
            ShortFactor = shortFactor,
            LongFactor = longFactor,
            AttentionFactor = attention,
        });
    }

    /// <summary>
    /// Phi3RotaryEmbedding rotates dim = int(head_dim · partial_rotary_factor) dims (Python's int
    /// truncates); the frequencies are base^(−2i/dim). The halves of rotate_half need an even dim.
    /// </summary>
    public static int RotaryDim(ConfigFields f, int headDim)
    {
        var factor = RopeConfigReader.PartialRotaryFactor(f) ?? 1.0;
        if (!(factor > 0 && factor <= 1))
        {
            throw RopeConfigReader.Unsupported(f, "partial_rotary_factor", $"is {factor.ToString(CultureInfo.InvariantCulture)}; it must lie in (0, 1]");
        }

        var dim = (int)(headDim * factor);
        return dim >= 2 && dim % 2 == 0
            ? dim
            : throw RopeConfigReader.Unsupported(f, "partial_rotary_factor", $"is {factor.ToString(CultureInfo.InvariantCulture)}: head_dim {headDim} · {factor.ToString(CultureInfo.InvariantCulture)} rotates {dim} dims, which rotate_half cannot split into two halves");
    }

    /// <summary>Phi3Config.validate_rope: each factor list holds one entry per rotated frequency, rotary_dim / 2.</summary>
    private static IReadOnlyList<double> Factors(ConfigFields f, ConfigFields p, string name, int rotaryDim)
    {
        var factors = p.OptionalPositiveDoubleList(name)
            ?? throw GacException.Create(DiagnosticCatalogue.RopeScalingUnsupported, $"'{f.Source}': longrope needs \"{p.Name(name)}\".", new SourceLocation(f.Source));
        return factors.Count == rotaryDim / 2
            ? factors
            : throw TransformerConfigReader.Malformed(f.Source, $"\"{p.Name(name)}\" has {factors.Count} entries; longrope needs rotary_dim / 2 = {rotaryDim / 2}.");
    }
}
