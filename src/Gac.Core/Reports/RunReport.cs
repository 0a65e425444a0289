namespace Gac.Core.Reports;

/// <summary>
/// The footprint of one run, written as gac.report.json (schema: report.schema.json beside this
/// file). Everything a reader needs to trust or reproduce a verdict: inputs by hash, the provider
/// that actually ran, the hardware, the plan, the measurements and the gate's reasons.
/// </summary>
public sealed record RunReport(
    string ToolVersion,
    DateTimeOffset Timestamp,
    InputHashes Inputs,
    RuntimeSection Runtime,
    PlanSummary? Plan,
    IReadOnlyList<LatencySection> Latency,
    FidelitySection? Fidelity,
    GateSection Gate,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Bumped on any breaking change to the JSON shape.</summary>
    public const string CurrentSchemaVersion = "1";

    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>What was compressed, how, and where the artifact goes; null for reports not made by a run.</summary>
    public CompressionSection? Compression { get; init; }

    /// <summary>The compressor's unaligned output against the original, beside <see cref="Fidelity"/> (gac).</summary>
    public FidelitySection? FidelityUnaligned { get; init; }

    /// <summary>How the aligned plan was chosen by measurement on calibration data; null when only one plan was built.</summary>
    public SelectionSection? Selection { get; init; }

    /// <summary>Each block's output error, block by block (validation.fidelity: layer-wise); null when fidelity was measured end to end only.</summary>
    public LayerwiseFidelitySection? FidelityLayers { get; init; }

    /// <summary>What validation measured: end to end (whole models) or layer-wise (block by block), and what it did not; null in older reports.</summary>
    public ValidationScopeSection? ValidationScope { get; init; }

    /// <summary>Layer-wise runs: one block of each model timed on its recorded input, in place of <see cref="Latency"/>; null otherwise.</summary>
    public BlockLatencySection? BlockLatency { get; init; }
}

/// <summary>
/// Scope is "end-to-end" (each model run whole: <see cref="RunReport.Fidelity"/> and <see cref="RunReport.Latency"/> are the model's) or
/// "layer-wise" (no model run whole: fidelity per block in fidelityLayers, latency per block in blockLatency). <see cref="NotMeasured"/> names
/// what the scope could not measure: those report fields are absent (null or empty), never zeros.
/// </summary>
public sealed record ValidationScopeSection(string Scope, string Reason, IReadOnlyList<string> NotMeasured)
{
    public const string EndToEnd = "end-to-end";
    public const string LayerWise = "layer-wise";
}

/// <summary>
/// One block (<see cref="Block"/>) of original, unaligned and gac, each fed the original's input to that block, timed interleaved:
/// block latency, not model latency; its speedups are block speedups. <see cref="Scope"/> says so in words.
/// </summary>
public sealed record BlockLatencySection(string Block, string Scope, LatencySection Latency);

/// <summary>
/// Fidelity measured block by block on the held-out inputs: each block of a candidate fed the original
/// model's input to that block, its outputs compared with the original block's. Not an end-to-end
/// number: the errors of consecutive blocks are not compounded. <see cref="Reason"/> says why it ran.
/// </summary>
public sealed record LayerwiseFidelitySection(string Reason, int Samples, IReadOnlyList<BlockFidelity> Blocks);

/// <summary>One block (or the prologue/epilogue around the blocks): both candidates' output error against the original block's output.</summary>
public sealed record BlockFidelity(string Block, BlockError Unaligned, BlockError Aligned);

/// <summary>Relative L2 error, cosine and max abs difference over every float tensor the block passes on, all held-out samples together.</summary>
public sealed record BlockError(double RelativeL2Error, double Cosine, double MaxAbsDiff);

/// <summary>
/// The aligned plans measured on the calibration data (never the held-out data) and the one kept.
/// Metric is "relative-error", "sentence-distance" (1 − mean sentence cosine, pooled encoders) or "perplexity"; lower is better.
/// </summary>
public sealed record SelectionSection(string Metric, int Samples, double Unaligned, string Chosen, IReadOnlyList<SelectionCandidate> Candidates);

/// <param name="Objective">The planner's predicted objective of the plan; null for local-search plans.</param>
public sealed record SelectionCandidate(string Name, string Origin, long Parameters, double? Objective, double Measured, bool Chosen);

/// <summary>
/// The model's output error on calibration data with one layer or group at <see cref="Dimension"/> (alone, or the rest at the compressor's dims).
/// </summary>
public sealed record LayerProbeResult(long Dimension, double RelativeError);

/// <summary>SHA-256 (lower-case hex) of the spec, the input model and the calibration/held-out data; null when absent.</summary>
public sealed record InputHashes(string? Spec, string? Model, string? Data);

/// <summary>The provider asked for, the one that ran, and the machine it ran on.</summary>
public sealed record RuntimeSection(string ProviderRequested, string ProviderUsed, HardwareSection Hardware)
{
    /// <summary>The execution provider's options in effect: "cpu", or the CUDA provider's TF32, fp16 accumulation, cuDNN and CUDA-graph settings.</summary>
    public string? ProviderOptions { get; init; }

    /// <summary>Why provider: auto ran on the CPU (the library CUDA could not load), when it did.</summary>
    public string? FallbackReason { get; init; }
}

/// <summary>GPU fields are "n/a" when no GPU was used or no probe answered.</summary>
public sealed record HardwareSection(
    string CpuModel,
    int LogicalCores,
    string Os,
    string DotnetVersion,
    string OnnxRuntimeVersion,
    string GpuName,
    string GpuDriver,
    string CudaVersion,
    int? IntraOpThreads);

/// <summary>One planned dimension: the uncompressed width, the compressor's unconstrained target d*, and the aligned choice.</summary>
public sealed record LayerDimension(string Name, long Original, double Unconstrained, long Aligned, bool IsAligned)
{
    /// <summary>Whether the compressor's own dim d* was aligned; null when it left the layer at its original size.</summary>
    public bool? UnconstrainedIsAligned { get; init; }

    /// <summary>
    /// The layer's term in the plan's error model at the aligned dim: the squared output error measured
    /// with the layer alone cut there when it was probed, else the compressor's objective (share of
    /// spectral energy or importance removed); null when neither exists.
    /// </summary>
    public double? PredictedError { get; init; }

    /// <summary><see cref="PredictedError"/> over the sum across layers: this layer's share of the predicted error.</summary>
    public double? ErrorShare { get; init; }

    /// <summary>Output error on calibration data with this layer alone cut to each probed dim; null when not probed.</summary>
    public IReadOnlyList<LayerProbeResult>? MeasuredAlone { get; init; }

    /// <summary>Output error on calibration data with this layer at each probed dim and every other one at the compressor's dims; null when not
    /// probed.</summary>
    public IReadOnlyList<LayerProbeResult>? MeasuredInPlan { get; init; }
}

public sealed record PlanSummary(
    int Alignment,
    IReadOnlyList<LayerDimension> Layers,
    double AlignedPercentBefore,
    double AlignedPercentAfter,
    long ParametersOriginal,
    long ParametersUnaligned,
    long ParametersAligned)
{
    /// <summary>Layers or groups the compressor changed (d* below the original dim).</summary>
    public int CompressedBefore => Layers.Count(l => l.UnconstrainedIsAligned is not null);

    /// <summary>Of those, how many the compressor left misaligned — the paper's "95% misaligned" figure.</summary>
    public int MisalignedBefore => Layers.Count(l => l.UnconstrainedIsAligned == false);
}

/// <summary>
/// Latency of one model variant (original, unaligned, gac) in milliseconds; P50CiLowMs/P50CiHighMs
/// is the bootstrap 95% confidence interval of the median (the plot's error bar).
/// </summary>
public sealed record VariantLatency(
    string Variant,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MeanMs,
    int Iterations,
    double P50CiLowMs,
    double P50CiHighMs);

/// <summary>
/// Ratio of medians baseline / candidate (above 1: the candidate is faster) with its bootstrap 95%
/// confidence interval: what the latency benchmark estimates and the report records, one type for both.
/// </summary>
public sealed record SpeedupEntry(string Candidate, string Baseline, double Ratio, double CiLow, double CiHigh)
{
    /// <summary>The ratio and interval alone, as the gate judges them.</summary>
    public Gac.Core.Gate.SpeedupMeasurement ToMeasurement() => new(Ratio, CiLow, CiHigh);
}

/// <summary>One shape bucket, e.g. "batch=1,seq=128", measured interleaved across variants.</summary>
public sealed record LatencySection(string Bucket, int Warmup, IReadOnlyList<VariantLatency> Variants, IReadOnlyList<SpeedupEntry> Speedups)
{
    public const string PrefillPhase = "prefill";
    public const string DecodePhase = "decode";

    /// <summary>
    /// prefill: one forward over the bucket's tokens (from an empty cache); decode: one generation
    /// step, seq = 1 new token per sequence over a cache of <see cref="ContextLength"/> tokens.
    /// </summary>
    public string Phase { get; init; } = PrefillPhase;

    /// <summary>Decode only: the cached tokens the step attends to (past_sequence).</summary>
    public int? ContextLength { get; init; }

    /// <summary>Decode only: tokens one step produces (the batch).</summary>
    public int? TokensPerStep { get; init; }

    /// <summary>Decode only: tokens per second at a variant's median step time.</summary>
    public double? TokensPerSecond(VariantLatency variant)
        => TokensPerStep is { } tokens && variant.P50Ms > 0 ? tokens * 1000.0 / variant.P50Ms : null;
}

/// <summary>
/// A candidate's fidelity to the original on held-out inputs: what Gac.Runtime's FidelityEvaluator
/// returns and the report records, one type for both so the two cannot drift apart.
/// </summary>
/// <param name="Pooling">mean / cls when an encoder's outputs were pooled to sentence vectors before comparing (then every metric is on those vectors); null
/// otherwise.</param>
/// <param name="SentenceCosine">With pooling: the mean over held-out sentences of the cosine between original and candidate sentence vectors.</param>
public sealed record FidelitySection(
    int Samples,
    double RelativeL2Error,
    double Cosine,
    double Top1Agreement,
    double MaxAbsDiff,
    double? PerplexityOriginal,
    double? PerplexityCandidate,
    string? Pooling = null,
    double? SentenceCosine = null);

/// <summary>Status is passed | failed | notMeasured.</summary>
public sealed record GoalEntry(string Name, string Target, string Measured, string Status, string Reason);

/// <summary>Verdict is accepted | rejected.</summary>
public sealed record GateSection(string Verdict, bool Conservative, IReadOnlyList<GoalEntry> Goals)
{
    public bool Accepted => Verdict == "accepted";

    /// <summary>median | ci-lower | ci-upper: which number of a speedup's CI the speedup goals compared.</summary>
    public string SpeedupJudgedOn { get; init; } = "median";

    public static GateSection From(Gac.Core.Gate.Verdict verdict)
        => new(
            verdict.Accepted ? "accepted" : "rejected",
            verdict.Conservative,
            verdict.Goals.Select(g => new GoalEntry(g.Name, g.Target, g.Measured, StatusName(g.Status), g.Reason)).ToArray())
        {
            SpeedupJudgedOn = Gac.Core.Spec.SpecEnumText.ToText(verdict.SpeedupJudgedOn),
        };

    private static string StatusName(Gac.Core.Gate.GoalStatus status) => status switch
    {
        Gac.Core.Gate.GoalStatus.Passed => "passed",
        Gac.Core.Gate.GoalStatus.Failed => "failed",
        _ => "notMeasured",
    };
}

/// <summary>The run's inputs and choices: model, compressor, alignment, artifact.</summary>
public sealed record CompressionSection(
    string Model,
    string Method,
    double Ratio,
    string Strategy,
    string Profile,
    string Artifact,
    bool ArtifactWritten);
