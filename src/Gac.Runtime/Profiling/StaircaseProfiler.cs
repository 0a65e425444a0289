using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Profiling;

/// <summary>
/// Measures a <see cref="LatencyStaircase"/>: for each GEMM shape and rank r, the p50 latency of the
/// low-rank pair X·A·B on one provider, which the planner reads to drop candidates on latency cliffs
/// (GAC-METHOD §4). One probe is built, opened, timed and disposed at a time, so peak memory is one
/// probe's weights (≈ r·(K+N) elements) plus ONNX Runtime's copy of them.
/// </summary>
public sealed class StaircaseProfiler
{
    private static readonly ShapeBucket FixedShapes = new(new Dictionary<string, long>());

    private readonly OrtSessionFactory _sessions;
    private readonly IGemmModelSource _models;
    private readonly BenchmarkSettings _settings;
    private readonly Func<ExecutionProvider, HardwareSection> _captureHardware;

    /// <param name="sessions">Decides the provider (GAC4001 for cuda without a GPU build) and opens each probe.</param>
    /// <param name="models">Builds each probe's ONNX model.</param>
    /// <param name="settings">Warm-up and iterations per probe; only the p50 is kept.</param>
    /// <param name="captureHardware">Fingerprints the device; injectable for tests.</param>
    public StaircaseProfiler(
        OrtSessionFactory sessions,
        IGemmModelSource models,
        BenchmarkSettings? settings = null,
        Func<ExecutionProvider, HardwareSection>? captureHardware = null)
    {
        _sessions = sessions ?? throw new ArgumentNullException(nameof(sessions));
        _models = models ?? throw new ArgumentNullException(nameof(models));
        _settings = settings ?? ProfileDefaults.Benchmark;
        _captureHardware = captureHardware ?? (p => HardwareFingerprint.Capture(p, sessions.Settings.IntraOpThreads));
    }

    public ProfileResult Profile(ProfileRequest request, IProgress<ProfileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var shapes = Validate(request);
        var provider = _sessions.ResolveProvider();
        var benchmark = new LatencyBenchmark(_settings);

        // The first session of a process pays for thread-pool start-up and allocator growth that warm-up
        // runs inside one session do not absorb (measured: 4× the p50 of the next probe on the CPU),
        // which would put a false cliff at the smallest rank. One discarded probe takes that cost.
        Time(
            new GemmProbe(shapes[0], request.Tokens, request.DimensionsFor(shapes[0]).FirstOrDefault(shapes[0].MaxRank), request.DataType),
            benchmark,
            cancellationToken);

        var series = new List<LatencySeries>();
        for (var s = 0; s < shapes.Count; s++)
        {
            var shape = shapes[s];
            var probes = request.DimensionsFor(shape).Select(d => new GemmProbe(shape, request.Tokens, d, request.DataType)).ToList();
            if (request.Dense)
            {
                probes.Add(new GemmProbe(shape, request.Tokens, null, request.DataType));
            }

            var points = new List<LatencyPoint>();
            LatencyPoint? dense = null;
            for (var i = 0; i < probes.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var probe = probes[i];
                var p50 = Time(probe, benchmark, cancellationToken);
                if (probe.Rank is { } rank)
                {
                    points.Add(new LatencyPoint(rank, p50));
                }
                else
                {
                    // The planner's dense candidate sits at d = max dimension = min(K, N) (CandidateSweep).
                    dense = new LatencyPoint(shape.MaxRank, p50);
                }

                progress?.Report(new ProfileProgress(shape, s, shapes.Count, probe, p50, i + 1, probes.Count));
            }

            if (points.Count > 0)
            {
                series.Add(new LatencySeries(shape.Key, points));
            }

            if (dense is not null)
            {
                series.Add(new LatencySeries(shape.DenseKey, [dense]));
            }
        }

        var hardware = _captureHardware(provider);
        var device = provider == ExecutionProvider.Cuda ? hardware.GpuName : hardware.CpuModel;
        var staircase = new LatencyStaircase(device, request.DataType.Label(), request.Tokens, series);
        return new ProfileResult(staircase, provider, hardware, _sessions.Warnings.ToArray());
    }

    private double Time(GemmProbe probe, LatencyBenchmark benchmark, CancellationToken cancellationToken)
    {
        OrtSession session;
        {
            // The serialized model is garbage once ORT has copied its initializers into the session.
            var model = _models.Build(probe);
            session = _sessions.Open(model, probe.Name);
        }

        using (session)
        using (var bound = new BoundSession(session, FixedShapes, _settings.InputSource))
        {
            return benchmark.Measure([bound], probe.Name, cancellationToken: cancellationToken).Variants[0].P50Ms;
        }
    }

    private static IReadOnlyList<GemmShape> Validate(ProfileRequest request)
    {
        var shapes = request.Shapes?.Distinct().ToArray() ?? [];
        if (shapes.Length == 0 || request.Tokens < 1)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ProfileSweepEmpty,
                $"A profile needs at least one GEMM shape (got {shapes.Length}) and at least 1 token (got {request.Tokens}).");
        }

        foreach (var shape in shapes)
        {
            if (request.DimensionsFor(shape).Count == 0 && !request.Dense)
            {
                var smallest = request.Sweep is { Dimensions.Count: > 0 } sweep ? sweep.Dimensions.Min() : (long?)null;
                throw GacException.Create(
                    DiagnosticCatalogue.ProfileSweepEmpty,
                    $"No requested dimension is a valid rank of {shape.Key}: ranks run from 1 to min(K, N) = {shape.MaxRank}, the smallest requested is " +
                        $"{smallest}.");
            }
        }

        return shapes;
    }
}
