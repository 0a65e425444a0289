using System.CommandLine;
using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Pipeline;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build bench model.onnx --shape batch=1,seq=128</c>: latency of one model on a provider
/// (IoBinding, warm-up, p50/p90/p99/mean and a bootstrap 95% interval of the p50), with the provider
/// that actually ran and the hardware, so a number is only ever compared with like.
/// </summary>
public sealed class BenchCommand : GacCommand
{
    private readonly Argument<string> _model;
    private readonly Option<string?> _shape;
    private readonly MeasurementOptions _measurement;
    private readonly Option<string?> _spec;

    public BenchCommand(CliHost host)
        : base(host, "bench", "Latency of one model on a provider (p50/p90/p99/mean with a 95% interval).")
    {
        _model = Add(Required("model", "An .onnx file."));
        _shape = Add(CliOptions.Text("--shape", "name=N,..[;..]", "Values of the model's symbolic input dims, e.g. batch=1,seq=128; several buckets separated by ';'."));
        _measurement = new MeasurementOptions(this, "Untimed runs before measuring (default 10).", "Timed runs per shape bucket (default 100).");
        _spec = Add(CliOptions.Text(
            "--spec",
            "gac.yaml",
            "Feed the inputs a spec's calibration section names (calibration.text, inputs, npy, tokens; else generated from the graph), as `run` validates with; its calibration.dims bind the shape unless --shape is given."));
    }

    protected override int Execute(CommandContext context)
    {
        var defaults = new BenchmarkSettings();
        var settings = defaults with
        {
            Warmup = _measurement.Warmup(context, defaults.Warmup),
            Iterations = _measurement.Iterations(context, defaults.Iterations),
        };
        var shapeText = context.Get(_shape);
        var buckets = ParseBuckets(shapeText);
        var threads = _measurement.Threads(context);
        var policy = _measurement.Provider(context);
        var path = context.ExistingFile(context.Get(_model), "Model");
        var spec = context.FullPathOrNull(context.Get(_spec)) is { } specPath ? GacSpecLoader.Load(specPath) : null;

        // Integer inputs get values valid by construction (ids below the table they index, masks 1, …),
        // read from the graph as calibration reads them; external weights are not loaded for this.
        // With --spec, the spec's own source feeds the runs: the held-out samples validation times.
        var domains = InputDomainDiscovery.Discover(OnnxModelFile.Load(path).Model);
        using var run = spec is null ? null : new RunContext(spec, new PipelineOptions(), null, context.Cancellation);
        settings = settings with { Inputs = run is null ? new GeneratedInputs(domains, settings.Seed) : InputSources.HeldOut(run, domains) };

        var sessions = new OrtSessionFactory(new SessionSettings(policy, IntraOpThreads: threads));
        IReadOnlyList<LatencyResult> results;
        using (var session = sessions.Open(path))
        {
            if (spec is not null && shapeText is null)
            {
                buckets = [ShapeBuckets.Complete(session.Session, spec.Calibration.Dims, knownShapes: DimBinding.KnownShapes(spec.Calibration))];
            }

            var progress = context.ShowProgress
                ? new ProgressLines(context)
                : null;
            results = MeasureWithHint(new LatencyBenchmark(settings), session, buckets, progress);
        }

        foreach (var warning in sessions.Warnings)
        {
            context.Report(warning);
        }

        var provider = sessions.ResolveProvider();
        var hardware = HardwareFingerprint.Capture(provider, threads);
        var rows = results.Select(r => (r.Bucket, Timings: r.Variants[0])).Select(x => new
        {
            bucket = x.Bucket,
            p50Ms = x.Timings.P50Ms,
            p90Ms = x.Timings.P90Ms,
            p99Ms = x.Timings.P99Ms,
            meanMs = x.Timings.MeanMs,
            p50CiLowMs = x.Timings.P50CiLowMs,
            p50CiHighMs = x.Timings.P50CiHighMs,
            samples = x.Timings.SamplesMs.Count,
        }).ToArray();

        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new
            {
                model = path,
                providerUsed = provider,
                fallbackReason = sessions.FallbackReason,
                warmup = settings.Warmup,
                iterations = settings.Iterations,
                hardware = hardware.ToReport(),
                results = rows,
            }));
            return ExitCodes.Success;
        }

        var device = provider == ExecutionProvider.Cuda ? hardware.GpuName : hardware.CpuModel;
        context.Out.WriteLine($"bench: {path}");
        context.Out.WriteLine($"  provider {provider.ToString().ToLowerInvariant()} on {device}, ONNX Runtime {hardware.OnnxRuntimeVersion}, {settings.Warmup} warm-up + {settings.Iterations} timed runs");
        foreach (var r in rows)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  [{(r.bucket.Length == 0 ? "fixed shapes" : r.bucket)}] p50 {r.p50Ms:0.###} ms (95% CI {r.p50CiLowMs:0.###}–{r.p50CiHighMs:0.###}), p90 {r.p90Ms:0.###}, p99 {r.p99Ms:0.###}, mean {r.meanMs:0.###}"));
        }

        return ExitCodes.Success;
    }

    internal static IReadOnlyList<ShapeBucket> ParseBuckets(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [new ShapeBucket(new Dictionary<string, long>())];
        }

        try
        {
            return text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ShapeBucket.Parse).ToArray();
        }
        catch (FormatException e)
        {
            throw ArgumentErrors.Create($"--shape: {e.Message} Expected e.g. batch=1,seq=128.");
        }
    }

    private static IReadOnlyList<LatencyResult> MeasureWithHint(LatencyBenchmark benchmark, OrtSession session, IReadOnlyList<ShapeBucket> buckets, IProgress<BenchmarkProgress>? progress)
    {
        try
        {
            return benchmark.Measure([session], buckets, progress);
        }
        catch (GacException e) when (e.Diagnostics.Any(d => d.Descriptor == DiagnosticCatalogue.UnboundSymbolicDimension))
        {
            var symbolic = session.Session.InputMetadata
                .SelectMany(i => i.Value.SymbolicDimensions.Where(s => !string.IsNullOrEmpty(s)))
                .Distinct(StringComparer.Ordinal);
            var hint = $"{e.Diagnostics[0].Message} Pass --shape with a value for each symbolic dimension ({string.Join(", ", symbolic)}), e.g. --shape {string.Join(',', symbolic.Select(s => s + "=<n>"))}.";
            throw new GacException(e.Diagnostics[0] with { Message = hint }, e);
        }
    }

    /// <summary>Synchronous, so lines come out in order (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class ProgressLines(CommandContext context) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value)
        {
            if (value.Completed == value.Total)
            {
                context.Error.WriteLine($"[bench] {(value.Bucket.Length == 0 ? "fixed shapes" : value.Bucket)}: {value.Phase} {value.Completed}/{value.Total}");
            }
        }
    }
}
