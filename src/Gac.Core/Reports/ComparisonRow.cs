namespace Gac.Core.Reports;

/// <summary>
/// One model in a side-by-side comparison: the original (once), or one report's unaligned or gac variant.
/// </summary>
/// <param name="Label">"original", "ASVD", "ASVD + GAC", "prune", "prune + GAC", …</param>
/// <param name="Variant">The report's variant name: original | unaligned | gac.</param>
/// <param name="Report">Index into <see cref="ReportComparison.Reports"/> the numbers come from.</param>
/// <param name="CompressedDims">Layers or groups the compressor shrank; null for the original.</param>
/// <param name="AlignedDims">Of those, how many this variant has at a multiple of the report's alignment.</param>
/// <param name="Perplexity">Held-out perplexity when the run measured it.</param>
/// <param name="RelativeL2Error">Output error vs the original (0 for the original).</param>
/// <param name="Verdict">The gate's verdict for the gac variant; null where the gate judged nothing.</param>
public sealed record ComparisonRow(
    string Label,
    string Variant,
    int Report,
    long LinearParameters,
    int? CompressedDims,
    int? AlignedDims,
    double? Perplexity,
    double? RelativeL2Error,
    IReadOnlyList<RowLatency> Latency,
    string? Verdict)
{
    public double? AlignedPercent => CompressedDims is > 0 && AlignedDims is { } a ? 100.0 * a / CompressedDims.Value : null;
}

/// <summary>
/// A variant's median latency in one shape bucket with its bootstrap 95% CI, and its speedup over the
/// original measured interleaved in the same run (more trustworthy than comparing across runs).
/// </summary>
public sealed record RowLatency(string Bucket, double P50Ms, double P50CiLowMs, double P50CiHighMs, SpeedupEntry? VsOriginal)
{
    /// <summary>A decode step's tokens per second at the median; null for a prefill bucket.</summary>
    public double? TokensPerSecond { get; init; }
}

/// <summary>One input report, as the comparison names it.</summary>
/// <param name="Budget">The compressor's own linear parameter count: the budget its GAC variant was aligned under.</param>
public sealed record ComparedReport(
    string Path,
    string Method,
    double Ratio,
    string Strategy,
    int Alignment,
    long Budget,
    string Verdict,
    string ProviderUsed);
