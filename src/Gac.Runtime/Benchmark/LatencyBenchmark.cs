using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// Times several model variants in one process, interleaved: iteration k runs every variant once,
/// starting with variant k mod n, so slow drift (thermal throttling, clock boost, a noisy neighbour)
/// and position effects land on all variants equally instead of on whichever ran last.
/// </summary>
public sealed class LatencyBenchmark
{
    private readonly BenchmarkSettings _settings;
    private readonly IBenchmarkClock _clock;

    public LatencyBenchmark(BenchmarkSettings settings, IBenchmarkClock? clock = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _clock = clock ?? StopwatchClock.Instance;
        if (settings.Iterations < 1 || settings.Warmup < 0 || settings.BootstrapResamples < 1)
        {
            throw GacException.Create(DiagnosticCatalogue.BenchmarkSettingsInvalid, $"Iterations must be ≥ 1 (got {settings.Iterations}), warm-up ≥ 0 (got " +
                $"{settings.Warmup}), bootstrap resamples ≥ 1 (got {settings.BootstrapResamples}).");
        }
    }

    /// <summary>Binds each session per bucket (IoBinding, inputs from the settings' source) and measures them interleaved.</summary>
    public IReadOnlyList<LatencyResult> Measure(IReadOnlyList<OrtSession> sessions, IReadOnlyList<ShapeBucket> buckets,
        IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0)
        {
            throw GacException.Create(DiagnosticCatalogue.BenchmarkSettingsInvalid, "No shape bucket to measure.");
        }

        var results = new List<LatencyResult>();
        for (var index = 0; index < buckets.Count; index++)
        {
            var bucket = buckets[index];
            var bound = new List<BoundSession>();
            try
            {
                foreach (var session in sessions)
                {
                    bound.Add(new BoundSession(session, bucket, _settings.InputSource, graphId: index));
                }

                results.Add(Measure(bound, bucket.Name, progress, cancellationToken));
            }
            finally
            {
                foreach (var b in bound)
                {
                    b.Dispose();
                }
            }
        }

        return results;
    }

    /// <summary>Measures ready targets; the first is the baseline of every speedup, and every later one is compared with every earlier one.</summary>
    public LatencyResult Measure(IReadOnlyList<IBenchmarkTarget> targets, string bucket, IProgress<BenchmarkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            throw GacException.Create(DiagnosticCatalogue.BenchmarkSettingsInvalid, "No model variant to measure.");
        }

        var n = targets.Count;
        for (var k = 0; k < _settings.Warmup; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var j = 0; j < n; j++)
            {
                targets[(k + j) % n].RunOnce();
            }

            progress?.Report(new BenchmarkProgress(bucket, "warmup", k + 1, _settings.Warmup));
        }

        var samples = targets.Select(_ => new double[_settings.Iterations]).ToArray();
        var reportEvery = Math.Max(1, _settings.Iterations / 20);
        for (var k = 0; k < _settings.Iterations; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var j = 0; j < n; j++)
            {
                var index = (k + j) % n;
                var start = _clock.GetTimestamp();
                targets[index].RunOnce();
                samples[index][k] = (_clock.GetTimestamp() - start) / _clock.TicksPerMillisecond;
            }

            if ((k + 1) % reportEvery == 0 || k + 1 == _settings.Iterations)
            {
                progress?.Report(new BenchmarkProgress(bucket, "measure", k + 1, _settings.Iterations));
            }
        }

        return Result(bucket, targets.Select(t => t.Name).ToList(), samples);
    }

    /// <summary>
    /// Measures each model alone: it is opened, timed on every bucket and disposed before the next
    /// is opened, so only one model is in memory at a time (models too large to hold together).
    /// Timings are blocks, not interleaved, so drift between blocks is not cancelled.
    /// </summary>
    public IReadOnlyList<LatencyResult> MeasureOneAtATime(IReadOnlyList<Func<OrtSession>> open, IReadOnlyList<ShapeBucket> buckets,
        IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count == 0 || open.Count == 0)
        {
            throw GacException.Create(DiagnosticCatalogue.BenchmarkSettingsInvalid, buckets.Count == 0 ? "No shape bucket to measure."
                : "No model variant to measure.");
        }

        var names = new string[open.Count];
        var samples = buckets.Select(_ => new double[open.Count][]).ToArray();
        for (var v = 0; v < open.Count; v++)
        {
            using var session = open[v]();
            names[v] = session.Name;
            for (var b = 0; b < buckets.Count; b++)
            {
                using var bound = new BoundSession(session, buckets[b], _settings.InputSource, graphId: b);
                samples[b][v] = Measure([bound], buckets[b].Name, progress, cancellationToken).Variants[0].SamplesMs.ToArray();
            }
        }

        return buckets.Select((bucket, b) => Result(bucket.Name, names, samples[b])).ToList();
    }

    /// <summary>Percentiles with bootstrap intervals per variant; the first is the baseline of every speedup, and every later one is compared with every
    /// earlier one.</summary>
    private LatencyResult Result(string bucket, IReadOnlyList<string> names, double[][] samples)
    {
        var n = names.Count;
        var variants = names.Select((name, i) => Summarize(name, samples[i], _settings.Seed + i)).ToArray();
        var speedups = new List<SpeedupEntry>();
        for (var c = 1; c < n; c++)
        {
            for (var b = 0; b < c; b++)
            {
                var (low, high) = LatencyStatistics.SpeedupInterval(samples[b], samples[c], _settings.BootstrapResamples, _settings.Seed + 1000 * c + b);
                speedups.Add(new SpeedupEntry(names[c], names[b], variants[b].P50Ms / variants[c].P50Ms, low, high));
            }
        }

        return new LatencyResult(bucket, _settings.Warmup, variants, speedups);
    }

    private VariantTimings Summarize(string name, double[] samples, int seed)
    {
        var (low, high) = LatencyStatistics.MedianInterval(samples, _settings.BootstrapResamples, seed);
        return new VariantTimings(
            name,
            samples,
            LatencyStatistics.Percentile(samples, 0.50),
            LatencyStatistics.Percentile(samples, 0.90),
            LatencyStatistics.Percentile(samples, 0.99),
            samples.Average(),
            low,
            high);
    }
}
