using Gac.Core.Reports;

namespace Gac.Runtime.Benchmark;

/// <summary>One variant's timings in one bucket, in milliseconds, in measurement order.</summary>
public sealed record VariantTimings(string Name, IReadOnlyList<double> SamplesMs, double P50Ms, double P90Ms, double P99Ms, double MeanMs, double P50CiLowMs,
    double P50CiHighMs);

/// <summary>
/// One bucket as the benchmark measured it: every variant's raw samples (pooled again when variants are
/// measured one at a time, and counted by <c>bench</c>), besides the summary <see cref="ToReport"/> keeps
/// for the report. Speedups are the report's own type.
/// </summary>
public sealed record LatencyResult(string Bucket, int Warmup, IReadOnlyList<VariantTimings> Variants, IReadOnlyList<SpeedupEntry> Speedups)
{
    public VariantTimings Variant(string name) => Variants.Single(v => v.Name == name);

    public SpeedupEntry? Speedup(string candidate, string baseline)
        => Speedups.FirstOrDefault(s => s.Candidate == candidate && s.Baseline == baseline);

    public LatencySection ToReport()
        => new(
            Bucket,
            Warmup,
            Variants.Select(v => new VariantLatency(v.Name, v.P50Ms, v.P90Ms, v.P99Ms, v.MeanMs, v.SamplesMs.Count, v.P50CiLowMs, v.P50CiHighMs)).ToArray(),
            Speedups);
}

/// <summary>Reported through IProgress: phase is "warmup" or "measure".</summary>
public sealed record BenchmarkProgress(string Bucket, string Phase, int Completed, int Total);
