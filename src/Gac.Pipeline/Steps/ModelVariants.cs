namespace Gac.Pipeline.Steps;

/// <summary>One model the run measures: the original, the compressor's unaligned output, or the aligned candidate.</summary>
public sealed record ModelVariant(string Name, string Path, long LinearParameters)
{
    public const string OriginalName = "original";
    public const string UnalignedName = "unaligned";
    public const string AlignedName = "gac";

    public string? DataPath => File.Exists(Path + ".data") ? Path + ".data" : null;
}

/// <summary>The three variants measured side by side; the aligned one is the artifact candidate.</summary>
public sealed record ModelVariants(ModelVariant Original, ModelVariant Unaligned, ModelVariant Aligned)
{
    public IReadOnlyList<ModelVariant> All => [Original, Unaligned, Aligned];

    /// <summary>
    /// Every aligned plan's model, in <see cref="AlignedPlan.AllCandidates"/> order (the first is
    /// <see cref="Aligned"/>) until <see cref="PlanSelectionStep"/> keeps one; empty afterwards.
    /// </summary>
    public IReadOnlyList<ModelVariant> Candidates { get; init; } = [];
}
