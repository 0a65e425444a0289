using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Profiling;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Measuring;

/// <summary>What <c>gac-build bench</c> measures: one model, its shape buckets (null: bound from the spec or fixed), and how.</summary>
/// <param name="Spec">
/// With a spec, its calibration source feeds the runs (the held-out samples validation times) and its calibration.dims bind the
/// shape when no buckets are given.
/// </param>
public sealed record BenchRequest(
    string ModelPath,
    IReadOnlyList<ShapeBucket>? Buckets,
    GacSpec? Spec,
    ExecutionProviderChoice Provider,
    int? IntraOpThreads,
    BenchmarkSettings Settings,
    bool Kernels = false);

/// <summary>The latency of each bucket, the provider that actually ran and the hardware, so a number is only compared with like.</summary>
public sealed record BenchResult(
    BenchmarkSettings Settings,
    ExecutionProvider Provider,
    string? FallbackReason,
    HardwareSection Hardware,
    IReadOnlyList<LatencyResult> Results,
    IReadOnlyList<Diagnostic> Warnings,
    IReadOnlyList<NodeKernels>? Kernels = null);

/// <summary>
/// The latency of one model on a provider (IoBinding, warm-up, p50/p90/p99/mean and a bootstrap 95%
/// interval of the p50), fed as validation feeds a run: integer inputs get values valid by construction
/// (ids below the table they index, masks 1, …), read from the graph as calibration reads them.
/// </summary>
public static class ModelBench
{
    public static BenchResult Measure(BenchRequest request, IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        // External weights are not loaded for this: the graph gives the input domains and dims.
        var file = OnnxModelFile.Load(request.ModelPath);
        var header = ModelHeader.FromOnnx(file);
        var domains = InputDomainDiscovery.Discover(file.Model);
        using var run = request.Spec is null ? null : new RunContext(request.Spec, new PipelineOptions(), null, cancellationToken);
        var settings = request.Settings with
        {
            Inputs = run is null ? new GeneratedInputs(domains, request.Settings.Seed) : InputSources.HeldOut(run, domains),
        };
        var buckets = request.Buckets
            ?? (request.Spec is { } spec
                ? [new ShapeBucket(DimBinding.Bind(header, spec.Calibration.Dims, DimBinding.KnownShapes(spec.Calibration), "calibration.dims", null))]
                : [new ShapeBucket(new Dictionary<string, long>())]);

        var sessions = new OrtSessionFactory(new SessionSettings(request.Provider, IntraOpThreads: request.IntraOpThreads));
        IReadOnlyList<LatencyResult> results;
        using (var session = sessions.Open(request.ModelPath))
        {
            results = MeasureWithHint(new LatencyBenchmark(settings), session, buckets, header, progress, cancellationToken);
        }

        var provider = sessions.ResolveProvider();
        // The kernel path: the first bucket once more under ONNX Runtime's profiler; the profile JSON stays beside the model.
        var kernels = request.Kernels
            ? KernelProfile.Capture(sessions, request.ModelPath, buckets[0], settings.InputSource, Math.Max(3, settings.Warmup), Path.Combine(
                Path.GetDirectoryName(Path.GetFullPath(request.ModelPath))!, Path.GetFileNameWithoutExtension(request.ModelPath) + ".profile"))
            : null;
        var hardware = HardwareFingerprint.Capture(provider, request.IntraOpThreads);
        return new BenchResult(settings, provider, sessions.FallbackReason, hardware, results, sessions.Warnings, kernels);
    }

    /// <summary>An unbound symbolic dim is the usual first mistake: the error names the model's dims and the --shape that binds them.</summary>
    private static IReadOnlyList<LatencyResult> MeasureWithHint(
        LatencyBenchmark benchmark,
        OrtSession session,
        IReadOnlyList<ShapeBucket> buckets,
        ModelHeader header,
        IProgress<BenchmarkProgress>? progress,
        CancellationToken cancellationToken)
    {
        try
        {
            return benchmark.Measure([session], buckets, progress, cancellationToken);
        }
        catch (GacException e) when (e.Diagnostics.Any(d => d.Descriptor == DiagnosticCatalogue.UnboundSymbolicDimension))
        {
            var symbolic = header.SymbolicDims;
            var hint = $"{e.Diagnostics[0].Message} Pass --shape with a value for each symbolic dimension ({string.Join(", ", symbolic)}), " +
                $"e.g. --shape {string.Join(',', symbolic.Select(s => s + "=<n>"))}.";
            throw new GacException(e.Diagnostics[0] with { Message = hint }, e);
        }
    }
}
