namespace Gac.Compression.Pruning;

/// <param name="Ratio">Fraction of the model's compressible linear parameters to remove — the same
/// meaning as for low rank, so a prune run and an ASVD run at one ratio land on one budget.</param>
/// <param name="KeepFirstBlocks">Leave this many leading blocks dense (LLM-Pruner keeps the first ones,
/// which are the most sensitive).</param>
/// <param name="KeepLastBlocks">Leave this many trailing blocks dense.</param>
/// <param name="MlpOnly">Prune MLP channels only; attention heads stay.</param>
/// <param name="CompressibleParameters">The ratio's base: Σ K·N over the compressible linear layers,
/// including those no group here can prune (attention under <paramref name="MlpOnly"/>). Null: the
/// groups' own parameters.</param>
public sealed record PruningOptions(
    double Ratio,
    int KeepFirstBlocks = 0,
    int KeepLastBlocks = 0,
    bool MlpOnly = false,
    long? CompressibleParameters = null);
