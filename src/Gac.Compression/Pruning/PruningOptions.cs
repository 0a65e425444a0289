namespace Gac.Compression.Pruning;

/// <param name="Ratio">Fraction of the eligible units (channels, heads) to remove, ranked globally
/// across blocks, separately per kind.</param>
/// <param name="KeepFirstBlocks">Leave this many leading blocks dense (LLM-Pruner keeps the first ones,
/// which are the most sensitive).</param>
/// <param name="KeepLastBlocks">Leave this many trailing blocks dense.</param>
/// <param name="MlpOnly">Prune MLP channels only; attention heads stay.</param>
public sealed record PruningOptions(double Ratio, int KeepFirstBlocks = 0, int KeepLastBlocks = 0, bool MlpOnly = false);
