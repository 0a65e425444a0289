namespace Gac.Core.Diagnostics;

/// <summary>GAC25xx: structured pruning's budget.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor PruningRatioInfeasible = new(
        "GAC2502", "Pruning cannot remove that many parameters",
        "compress.ratio asks for more of the compressible linear parameters than the prunable groups hold: every group keeps at least one unit, kept blocks " +
            "stay whole, and MLP-only pruning cannot touch attention.",
        "Lower compress.ratio to the maximum the message names, add heads to compress.prune.targets, or keep fewer blocks dense.");
}
