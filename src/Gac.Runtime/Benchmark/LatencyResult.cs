using Gac.Core.Gate;
using Gac.Core.Reports;

namespace Gac.Runtime.Benchmark;

/// <summary>One variant's timings in one bucket, in milliseconds, in measurement order.</summary>
public sealed record VariantTimings(string Name, IReadOnlyList<double> SamplesMs, double P50Ms, double P90Ms, double P99Ms, double MeanMs, double P50CiLowMs,
    double P50CiHighMs);

/// <summary>median(baseline) / median(candidate): above 1 means the candidate is faster.</summary>
public sealed record SpeedupEstimate(string Candidate, string Baseline, double Ratio, double CiLow, double CiHigh)
{
    public SpeedupMeasurement ToMeasurement() => new(Ratio, CiLow, CiHigh);
}

public sealed record LatencyResult(string Bucket, int Warmup, IReadOnlyList<VariantTimings> Variants, IReadOnlyList<SpeedupEstimate> Speedups)
{
    public VariantTimings Variant(string name) => Variants.Single(v => v.Name == name);

    public SpeedupEstimate? Speedup(string candidate, string baseline)
        => Speedups.FirstOrDefault(s => s.Candidate == candidate && s.Baseline == baseline);

    public LatencySection ToReport()
        => new(
            Bucket,
            Warmup,
            Variants.Select(v => new VariantLatency(v.Name, v.P50Ms, v.P90Ms, v.P99Ms, v.MeanMs, v.SamplesMs.Count, v.P50CiLowMs, v.P50CiHighMs)).ToArray(),
            Speedups.Select(s => new SpeedupEntry(s.Candidate, s.Baseline, s.Ratio, s.CiLow, s.CiHigh)).ToArray());
}

/// <summary>Reported through IProgress: phase is "warmup" or "measure".</summary>
public sealed record BenchmarkProgress(string Bucket, string Phase, int Completed, int Total);
