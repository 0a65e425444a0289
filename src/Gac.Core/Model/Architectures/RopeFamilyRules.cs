namespace Gac.Core.Model.Architectures;

/// <summary>
/// Where a model_type's config class reads RoPE differently from LlamaConfig (Phi3Config: a
/// partial rotary width, "su" and "yarn" as old names of longrope, original_max_position_embeddings
/// defaulting to 4096).
/// </summary>
internal sealed record RopeFamilyRules(bool PartialRotary, IReadOnlyList<string> LongRopeAliases, int? DefaultOriginalMaxPositions);
