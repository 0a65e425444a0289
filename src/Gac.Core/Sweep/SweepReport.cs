namespace Gac.Core.Sweep;

/// <summary>
/// gac.sweep.json: one model compressed at several ratios in one run, the compressor's unaligned
/// variant and the aligned one at each, with quality, size and latency measured side by side, the
/// Pareto fronts marked and the variant recommended for the spec's gate goals. Schema:
/// src/Gac.Core/Reports/sweep.schema.json.
/// </summary>
public sealed record SweepReport(
    string SchemaVersion,
    string ToolVersion,
    DateTimeOffset Timestamp,
    string Model,
    string Method,
    string Strategy,
    int AlignmentMultiple,
    string Provider,
    string LatencyBucket,
    int Iterations,
    SweepQuality Quality,
    SweepOriginal Original,
    SweepReuse Reuse,
    IReadOnlyList<SweepPoint> Points,
    SweepRecommendation Recommendation,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The file name; written in the run report's JSON conventions (<see cref="Reports.ReportJson"/>).</summary>
    public const string FileName = "gac.sweep.json";

    public const string CurrentSchemaVersion = "1";

    /// <summary>Every compressed variant, ratio by ratio (unaligned first).</summary>
    public IEnumerable<SweepVariant> Variants() => Points.SelectMany(p => new[] { p.Unaligned, p.Aligned });
}

/// <summary>
/// The quality measure: "perplexity" (language models, lower is better), "sentence-cosine" (pooled
/// sentence encoders, higher is better) or "relative-error" (‖Δ‖/‖y‖ of the compared output, lower is better),
/// on <paramref name="Samples"/> held-out samples that calibration never saw.
/// </summary>
public sealed record SweepQuality(string Metric, bool HigherIsBetter, int Samples)
{
    public const string Perplexity = "perplexity";
    public const string SentenceCosine = "sentence-cosine";
    public const string RelativeError = "relative-error";

    /// <summary>True when <paramref name="a"/> is at least as good as <paramref name="b"/>.</summary>
    public bool AtLeastAsGood(double a, double b) => HigherIsBetter ? a >= b : a <= b;

    public bool Better(double a, double b) => HigherIsBetter ? a > b : a < b;
}

/// <summary>The uncompressed model, measured in the same run (quality reference and latency baseline).</summary>
public sealed record SweepOriginal(long LinearParameters, double Quality, double P50Ms, double? DecodeP50Ms);

/// <summary>
/// What the sweep shared across ratios: one calibration pass, one decomposition per layer for every
/// ratio (<paramref name="Decompositions"/> equals <paramref name="Layers"/> unless memory forced a
/// second pass, said in the warnings), and the variants written from them.
/// </summary>
public sealed record SweepReuse(int CalibrationPasses, int Layers, int Decompositions, int Variants);

public sealed record SweepPoint(double Ratio, SweepVariant Unaligned, SweepVariant Aligned);

/// <param name="Name">"unaligned" (the compressor's own dims) or the alignment strategy ("gac").</param>
/// <param name="AlignedLayers">Compressed layers whose rank is a multiple of the alignment.</param>
/// <param name="CompressedLayers">Layers factored (the rest stay dense).</param>
/// <param name="PassesGate">The spec's gate goals on this variant; null for the unaligned variant, which is never the artifact.</param>
public sealed record SweepVariant(
    string Name,
    long LinearParameters,
    double PercentOfOriginal,
    int AlignedLayers,
    int CompressedLayers,
    double Quality,
    double P50Ms,
    double P50CiLowMs,
    double P50CiHighMs,
    double SpeedupVsOriginal,
    double? DecodeP50Ms,
    bool ParetoQualityLatency,
    bool ParetoQualityParameters,
    bool? PassesGate,
    IReadOnlyList<string> GateFailures)
{
    public double AlignedPercent => CompressedLayers == 0 ? 100 : 100.0 * AlignedLayers / CompressedLayers;
}

/// <summary>
/// Among the aligned variants that pass every gate goal: the one with the fewest linear parameters
/// and the one with the lowest median latency; null when none passes.
/// </summary>
public sealed record SweepRecommendation(double? SmallestRatio, double? FastestRatio, string Reason);
