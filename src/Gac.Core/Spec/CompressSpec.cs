namespace Gac.Core.Spec;

/// <param name="Ratio">Fraction of the compressible linear parameters (Σ K·N over block layers) to remove, the same
/// budget for every method (prune converts it to units); 0 when <see cref="Method"/> is none.</param>
/// <param name="Asvd">Always filled (defaults), used only by <see cref="CompressionMethod.Asvd"/>.</param>
/// <param name="Prune">Always filled (defaults), used only by <see cref="CompressionMethod.Prune"/>.</param>
public sealed record CompressSpec(CompressionMethod Method, double Ratio, AsvdOptions Asvd, PruneOptions Prune);

/// <param name="Alpha">Exponent of the activation scaling S = mean(|x|)^alpha; 0.5 in the ASVD paper.</param>
public sealed record AsvdOptions(double Alpha, RankAllocation Allocation);

public sealed record PruneOptions(IReadOnlyList<PruneTarget> Targets, int KeepFirstBlocks, int KeepLastBlocks);
