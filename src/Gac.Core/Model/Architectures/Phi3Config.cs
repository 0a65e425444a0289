using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>
/// The config.json fields Phi-3 reads differently from Llama (transformers' configuration_phi3 /
/// modeling_phi3): RoPE is either the default or longrope ("su" and "yarn" are old names for it),
/// and partial_rotary_factor narrows the rotated part of each head (Phi-4-mini uses 0.75).
/// </summary>
internal static class Phi3Config
{
    /// <summary>
    /// longrope multiplies the frequencies by short_factor or long_factor depending on whether the
    /// sequence exceeds original_max_position_embeddings, and scales cos/sin; it is not exported yet,
    /// so any rope type but the default is refused (GAC1210) instead of running as plain RoPE.
    /// </summary>
    public static void RefuseLongRope(ConfigFields f)
    {
        var parameters = f.Object("rope_parameters") ?? f.Object("rope_scaling");
        var kind = parameters?.OptionalString("rope_type") ?? parameters?.OptionalString("type");
        if (kind is null or "default")
        {
            return;
        }

        var original = f.OptionalPositiveInt("original_max_position_embeddings");
        throw GacException.Create(
            DiagnosticCatalogue.RopeScalingUnsupported,
            $"'{f.Source}': {parameters!.Name(parameters.Has("rope_type") ? "rope_type" : "type")} \"{kind}\" is not supported for phi3: Phi3Config accepts only default and longrope (su and yarn are old names of longrope), and longrope's frequencies switch from short_factor to long_factor past original_max_position_embeddings ({original?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "4096"}) tokens, which the export does not implement; only Phi-3's default RoPE (as in Phi-3-mini-4k) is exported.",
            new SourceLocation(f.Source));
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
            throw RopeConfigReader.Unsupported(f, "partial_rotary_factor", $"is {factor}; it must lie in (0, 1]");
        }

        var dim = (int)(headDim * factor);
        return dim >= 2 && dim % 2 == 0
            ? dim
            : throw RopeConfigReader.Unsupported(f, "partial_rotary_factor", $"is {factor}: head_dim {headDim} · {factor} rotates {dim} dims, which rotate_half cannot split into two halves");
    }
}
