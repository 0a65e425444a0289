using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// What <see cref="CheckpointInventory"/> found: the config (null when config.json or a header
/// could not be read), the safetensors files, stored parameters and data bytes, and every problem.
/// </summary>
public sealed record CheckpointInventoryReport(
    string Source,
    string ConfigPath,
    TransformerConfig? Config,
    IReadOnlyList<string> Files,
    long Parameters,
    long DataBytes,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Diagnostics.Count == 0;
}
