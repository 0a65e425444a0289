using System.Diagnostics;
using System.Globalization;
using Gac.Core.Planning;
using Gac.Pipeline.Profiling;
using Gac.Runtime.Profiling;
using Gac.Runtime.Providers;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build profile --shape 4096x14336 --tokens 1024 --dims 64:2048:8 --output profile.json</c>:
/// measures a latency staircase on a provider and saves it as the JSON the planner reads
/// (a user profile's <c>staircase</c> in gac.yaml: <c>alignment.profiles[].staircase</c>). Each probe is a tiny
/// model X[M,K]·A[K,r]·B[r,N] with random constant weights; <c>--dense</c> adds X·W as series "KxN-dense".
/// </summary>
public sealed class ProfileCommand : GacCommand
{
    public const string DefaultOutput = "profile.json";

    private readonly Option<string?> _shape =
        CliOptions.Text("--shape", "KxN[,KxN]", "GEMM weight shapes KxN, comma-separated (e.g. 4096x4096,4096x14336); one series per shape.");
    private readonly Option<int?> _tokens =
        CliOptions.Int("--tokens", "M", $"M, the rows of the input X (batch × sequence); default {ProfileDefaults.Tokens}.", 1, 1 << 20);
    private readonly Option<string?> _dims = CliOptions.Text(
        "--dims",
        "from:to:step|a,b",
        $"Ranks to measure: from:to:step (inclusive) or a list; default every multiple of {DimensionSweep.DefaultStep} " +
        $"up to min(K, N, {DimensionSweep.DefaultLimit}).");
    private readonly Option<string?> _dtype =
        CliOptions.Text("--dtype", "fp32|fp16", "Element type: fp32 (default) or fp16 (what GPUs serve; use it with --provider cuda).");
    private readonly Option<bool> _dense =
        CliOptions.Flag("--dense", "Also time the dense layer X·W, as series \"KxN-dense\" with one point at d = min(K, N).");
    private readonly MeasurementOptions _measurement =
        new($"Untimed runs per probe (default {ProfileDefaults.Warmup}).", $"Timed runs per probe; the p50 is kept (default {ProfileDefaults.Iterations}).");
    private readonly Option<string?> _output = CliOptions.Text("--output", "file", $"Where to write the staircase JSON (default {DefaultOutput}).");

    public ProfileCommand(CliHost host)
        : base(host, "profile", "Measure a latency staircase for candidate dims on a provider and save it as a profile.")
    {
        Declare([_shape, _tokens, _dims, _dtype, _dense, .. _measurement.Options, _output]);
    }

    protected override int Execute(CommandContext context)
    {
        var request = ParseRequest(context);
        var settings = _measurement.Settings(context, ProfileDefaults.Benchmark);
        var output = context.FullPath(context.Get(_output) ?? DefaultOutput);

        var clock = Stopwatch.StartNew();
        var result = StaircaseMeasurement.Measure(
            request,
            settings,
            _measurement.Provider(context),
            _measurement.Threads(context),
            output,
            new ShapeProgressLines(context, clock),
            context.Cancellation);

        foreach (var warning in result.Warnings)
        {
            context.Report(warning);
        }

        var tolerance = new PlannerOptions().CliffTolerance;
        var summaries = result.Staircase.Series.Select(s => SeriesSummary.Of(s, tolerance)).ToArray();
        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(JsonOutput.Serialize(new
            {
                output,
                providerUsed = result.Provider,
                device = result.Staircase.Device,
                dtype = result.Staircase.DType,
                tokens = result.Staircase.Tokens,
                warmup = settings.Warmup,
                iterations = settings.Iterations,
                cliffTolerance = tolerance,
                hardware = result.Hardware,
                series = summaries,
            }));
            return ExitCodes.Success;
        }

        context.Out.WriteLine($"profile: {output}");
        context.Out.WriteLine($"  device {result.Staircase.Device} ({result.Provider.ToString().ToLowerInvariant()}), {result.Staircase.DType}, " +
            $"M = {result.Staircase.Tokens}, p50 of {settings.Iterations} runs per probe");
        foreach (var s in summaries)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {s.Key,-20} {s.Points,4} point(s), d {s.MinDimension}..{s.MaxDimension}, {s.FastestMs:0.###}–{s.SlowestMs:0.###} ms, " +
                $"{s.CliffPoints} on a cliff (a larger d is > {tolerance * 100:0.#}% faster)"));
        }

        if (result.Provider == ExecutionProvider.Cpu)
        {
            // PLATFORM-NOTES: ORT's CPU MatMul shows no alignment effect; step-to-step differences are noise.
            context.Out.WriteLine("  note: measured on the CPU, which shows no alignment steps; points \"on a cliff\" here are timing noise. " +
                "Profile on the GPU you deploy to.");
        }

        return ExitCodes.Success;
    }

    private ProfileRequest ParseRequest(CommandContext context)
    {
        var shapesText = context.Get(_shape) ?? throw ArgumentErrors.Create("'profile' needs --shape KxN (e.g. --shape 4096x14336).");
        try
        {
            var shapes = shapesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(GemmShape.Parse).ToArray();
            var sweep = context.Get(_dims) is { } dims ? DimensionSweep.Parse(dims) : null;
            var dtype = context.Get(_dtype) is { } type ? ProbeDataTypes.Parse(type) : ProbeDataType.Float32;
            return new ProfileRequest(shapes, context.Get(_tokens) ?? ProfileDefaults.Tokens, sweep, dtype, context.Get(_dense));
        }
        catch (FormatException e)
        {
            throw ArgumentErrors.Create(e.Message);
        }
    }

    /// <summary>
    /// One stderr line per finished shape (a long sweep shows it is alive in CI logs too); one per probe
    /// on an interactive terminal. Synchronous on purpose: <see cref="Progress{T}"/> posts to the thread
    /// pool and would interleave lines.
    /// </summary>
    private sealed class ShapeProgressLines(CommandContext context, Stopwatch clock) : IProgress<ProfileProgress>
    {
        public void Report(ProfileProgress value)
        {
            if (context.ShowProgress)
            {
                context.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[profile] {value.Probe.Name}: {value.P50Ms:0.###} ms ({value.Completed}/{value.Total})"));
            }

            if (value.ShapeDone)
            {
                context.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[profile] shape {value.ShapeIndex + 1}/{value.ShapeCount} {value.Shape.Key}: {value.Total} probe(s) done, " +
                    $"{clock.Elapsed.TotalSeconds:0.0} s elapsed"));
            }
        }
    }
}
