using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Pipeline;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;

using Gac.Pipeline.Inspection;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build bench model.onnx --shape batch=1,seq=128</c>: latency of one model on a provider
/// (IoBinding, warm-up, p50/p90/p99/mean and a bootstrap 95% interval of the p50), with the provider
/// that actually ran and the hardware, so a number is only ever compared with like.
/// </summary>
public sealed class BenchCommand : CliCommand
{
    public override string Name => "bench";

    public override string Summary => "Latency of one model on a provider (p50/p90/p99/mean with a 95% interval).";

    public override IReadOnlyList<ArgumentSpec> Arguments => [new("model", "An .onnx file.")];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        ProviderOption.Spec("Execution provider (default auto)"),
        new("--shape", "Values of the model's symbolic input dims, e.g. batch=1,seq=128; several buckets separated by ';'.", "name=N,..[;..]"),
        new("--warmup", "Untimed runs before measuring (default 10).", "N"),
        new("--iterations", "Timed runs per shape bucket (default 100).", "N"),
        new("--threads", "ONNX Runtime intra-op threads (default: one per physical core).", "N"),
        new("--spec", "Feed the inputs a spec's calibration section names (calibration.text, inputs, npy, tokens; else generated from the graph), as `run` validates with; its calibration.dims bind the shape unless --shape is given.", "gac.yaml"),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var defaults = new BenchmarkSettings();
        var settings = defaults with
        {
            Warmup = args.IntValue("--warmup", 0, 1_000_000) ?? defaults.Warmup,
            Iterations = args.IntValue("--iterations", 1, 10_000_000) ?? defaults.Iterations,
        };
        var buckets = ParseBuckets(args.Value("--shape"));
        var threads = args.IntValue("--threads", 1, 1024);
        var policy = ProviderOption.Parse(args) ?? ExecutionProviderChoice.Auto;
        var path = context.ExistingFile(args.Positionals[0], "Model");
        var spec = args.Value("--spec") is { } specPath ? GacSpecLoader.Load(Path.GetFullPath(specPath, context.WorkingDirectory)) : null;

        // Integer inputs get values valid by construction (ids below the table they index, masks 1, …),
        // read from the graph as calibration reads them; external weights are not loaded for this.
        // With --spec, the spec's own source feeds the runs: the held-out samples validation times.
        var domains = InputDomainDiscovery.Discover(OnnxModelFile.Load(path).Model);
        using var run = spec is null ? null : new RunContext(spec, new PipelineOptions(), null, CancellationToken.None);
        settings = settings with { Inputs = run is null ? new GeneratedInputs(domains, settings.Seed) : InputSources.HeldOut(run, domains) };

        var sessions = new OrtSessionFactory(new SessionSettings(policy, IntraOpThreads: threads));
        IReadOnlyList<LatencyResult> results;
        using (var session = sessions.Open(path))
        {
            if (spec is not null && args.Value("--shape") is null)
            {
                buckets = [ShapeBuckets.Complete(session.Signature, spec.Calibration.Dims, knownShapes: DimBinding.KnownShapes(spec.Calibration))];
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
            throw ParsedArguments.ArgumentError($"--shape: {e.Message} Expected e.g. batch=1,seq=128.");
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
            var symbolic = session.Signature.Inputs
                .SelectMany(i => i.SymbolicDimensions.Where(s => !string.IsNullOrEmpty(s)))
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
