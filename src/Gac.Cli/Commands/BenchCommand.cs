using System.Globalization;
using Gac.Core.Spec;
using Gac.Pipeline.Measuring;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build bench model.onnx --shape batch=1,seq=128</c>: latency of one model on a provider
/// (IoBinding, warm-up, p50/p90/p99/mean and a bootstrap 95% interval of the p50), with the provider
/// that actually ran and the hardware, so a number is only ever compared with like.
/// </summary>
public sealed class BenchCommand : GacCommand
{
    private readonly Argument<string> _model = Required("model", "An .onnx file.");
    private readonly Option<string?> _shape =
        CliOptions.Text("--shape", "name=N,..[;..]", "Values of the model's symbolic input dims, e.g. batch=1,seq=128; several buckets separated by ';'.");
    private readonly MeasurementOptions _measurement = new("Untimed runs before measuring (default 10).", "Timed runs per shape bucket (default 100).");
    private readonly Option<string?> _spec = CliOptions.Text(
        "--spec",
        "gac.yaml",
        "Feed the inputs a spec's calibration section names (calibration.text, inputs, npy, tokens; else generated from the graph), "
        + "as `run` validates with; its calibration.dims bind the shape unless --shape is given.");

    private readonly Option<bool> _kernels = CliOptions.Flag(
        "--kernels",
        "After timing, run the first shape bucket with ONNX Runtime's profiler and list each MatMul/Gemm node with its provider and the GPU kernels it " +
            "launched "
        + "(kernel names need a build with CUDA profiling; the profile JSON is kept beside the model).");

    public BenchCommand(CliHost host)
        : base(host, "bench", "Latency of one model on a provider (p50/p90/p99/mean with a 95% interval).")
    {
        Declare([_model, _shape, .. _measurement.Options, _spec, _kernels]);
    }

    protected override int Execute(CommandContext context)
    {
        var settings = _measurement.Settings(context, new BenchmarkSettings());
        var buckets = ParseBuckets(context.Get(_shape)); // a malformed --shape is reported before any file is read
        var request = new BenchRequest(
            context.ExistingFile(context.Get(_model), "Model"),
            buckets,
            context.FullPathOrNull(context.Get(_spec)) is { } specPath ? GacSpecLoader.Load(specPath) : null,
            _measurement.Provider(context),
            _measurement.Threads(context),
            settings,
            context.Get(_kernels));
        var result = ModelBench.Measure(request, context.ShowProgress ? new ProgressLines(context) : null, context.Cancellation);
        foreach (var warning in result.Warnings)
        {
            context.Report(warning);
        }

        var (provider, hardware, path) = (result.Provider, result.Hardware, request.ModelPath);
        var rows = result.Results.Select(r => (r.Bucket, Timings: r.Variants[0])).Select(x => new
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
                fallbackReason = result.FallbackReason,
                warmup = settings.Warmup,
                iterations = settings.Iterations,
                hardware,
                results = rows,
                kernels = result.Kernels?.Select(k => new { node = k.Node, opType = k.OpType, provider = k.Provider, kernels = k.Kernels }),
            }));
            return ExitCodes.Success;
        }

        var device = provider == ExecutionProvider.Cuda ? hardware.GpuName : hardware.CpuModel;
        context.Out.WriteLine($"bench: {path}");
        context.Out.WriteLine($"  provider {provider.ToString().ToLowerInvariant()} on {device}, ONNX Runtime {hardware.OnnxRuntimeVersion}, " +
            $"{settings.Warmup} warm-up + {settings.Iterations} timed runs");
        foreach (var r in rows)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  [{(r.bucket.Length == 0 ? "fixed shapes" : r.bucket)}] p50 {r.p50Ms:0.###} ms (95% CI {r.p50CiLowMs:0.###}–{r.p50CiHighMs:0.###}), " +
                $"p90 {r.p90Ms:0.###}, p99 {r.p99Ms:0.###}, mean {r.meanMs:0.###}"));
        }

        foreach (var k in result.Kernels ?? [])
        {
            var launched = k.Kernels.Count > 0 ? string.Join(", ", k.Kernels) : "no kernel events (this ONNX Runtime build or provider records none)";
            context.Out.WriteLine($"  kernel {k.Node} ({k.OpType} on {k.Provider}): {launched}");
        }

        return ExitCodes.Success;
    }

    /// <summary>--shape's buckets; null when not given (the spec's calibration.dims, else fixed shapes).</summary>
    private static IReadOnlyList<ShapeBucket>? ParseBuckets(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
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
