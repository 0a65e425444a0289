namespace Gac.Core.Diagnostics;

/// <summary>The budget sweep (gac-build sweep, the GacSweep target): its inputs (GAC009x) and the sweep itself (GAC213x).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor SweepRatiosInvalid = new(
        "GAC0090", "Sweep ratios are malformed",
        "The ratios to sweep are not a comma-separated list of numbers, one lies outside (0, 1), one is repeated, or there are none or more than 40.",
        "Give 1 to 40 distinct compression ratios between 0 and 1, e.g. --ratios 0.05,0.1,0.15,0.2.");

    public static readonly DiagnosticDescriptor SweepMethodUnsupported = new(
        "GAC2130", "The sweep needs a low-rank method",
        "The spec's compress.method is not asvd or svd: the sweep cuts every ratio from one decomposition per layer, which only low-rank methods have.",
        "Sweep a spec with compress.method asvd or svd; run a pruning spec once per ratio with gac-build run.");

    public static readonly DiagnosticDescriptor SweepNoVariantPasses = new(
        "GAC2132", "No swept variant passes the gate",
        "No aligned variant of any swept ratio meets every gate goal of the spec, so no ratio is recommended.",
        "Sweep lower ratios, or relax the gate goals the report lists as failed.",
        DiagnosticSeverity.Warning);
}
