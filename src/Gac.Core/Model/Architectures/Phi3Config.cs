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

    private static readonly RopeFamilyRules Rules = new(PartialRotary: true, LongRopeAliases: ["su", "yarn"],
        DefaultOriginalMaxPositions: DefaultOriginalMaxPositions);

    /// <summary>Phi3Config.validate_rope accepts only default and longrope; the rest is read as for Llama, with Phi-3's rules.</summary>
    public static (double Theta, RopeScaling Scaling) ReadRope(ConfigFields f, int maxPositions, int rotaryDim)
    {
        var parameters = f.Object("rope_parameters") ?? f.Object("rope_scaling");
        var kindField = parameters is not null && parameters.Has("rope_type") ? "rope_type" : "type";
        var kind = parameters?.OptionalString(kindField) ?? "default";
        if (kind is not ("default" or "longrope" or "su" or "yarn"))
        {
            throw GacException.Create(
                DiagnosticCatalogue.RopeScalingUnsupported,
                $"'{f.Source}': {parameters!.Name(kindField)} \"{kind}\" is not supported for phi3: Phi3Config accepts only default and longrope (su and " +
                    $"yarn are old names of longrope).",
                new SourceLocation(f.Source));
        }

        return RopeConfigReader.Read(f, maxPositions, rotaryDim, Rules);
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
            : throw RopeConfigReader.Unsupported(f, "partial_rotary_factor", $"is {factor.ToString(CultureInfo.InvariantCulture)}: head_dim {headDim} · " +
                $"{factor.ToString(CultureInfo.InvariantCulture)} rotates {dim} dims, which rotate_half cannot split into two halves");
    }
}
