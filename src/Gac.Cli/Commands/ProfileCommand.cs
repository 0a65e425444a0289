using System.Diagnostics;
using System.Globalization;
using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Planning;
using Gac.Core.Spec;
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
public sealed class ProfileCommand : CliCommand
{
    public const string DefaultOutput = "profile.json";

    public override string Name => "profile";

    public override string Summary => "Measure a latency staircase for candidate dims on a provider and save it as a profile.";

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--shape", "GEMM weight shapes KxN, comma-separated (e.g. 4096x4096,4096x14336); one series per shape.", "KxN[,KxN]"),
        new("--tokens", $"M, the rows of the input X (batch × sequence); default {ProfileDefaults.Tokens}.", "M"),
        new("--dims", $"Ranks to measure: from:to:step (inclusive) or a list; default every multiple of {DimensionSweep.DefaultStep} up to min(K, N, " +
            $"{DimensionSweep.DefaultLimit}).", "from:to:step|a,b"),
        new("--dtype", "Element type: fp32 (default) or fp16 (what GPUs serve; use it with --provider cuda).", "fp32|fp16"),
        new("--dense", "Also time the dense layer X·W, as series \"KxN-dense\" with one point at d = min(K, N)."),
        ProviderOption.Spec("Execution provider (default auto)"),
        new("--warmup", $"Untimed runs per probe (default {ProfileDefaults.Warmup}).", "N"),
        new("--iterations", $"Timed runs per probe; the p50 is kept (default {ProfileDefaults.Iterations}).", "N"),
        new("--threads", "ONNX Runtime intra-op threads (default: one per physical core).", "N"),
        new("--output", $"Where to write the staircase JSON (default {DefaultOutput}).", "file"),
    ];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        var request = ParseRequest(args);
        var settings = ProfileDefaults.Benchmark with
        {
            Warmup = args.IntValue("--warmup", 0, 100_000) ?? ProfileDefaults.Warmup,
            Iterations = args.IntValue("--iterations", 1, 1_000_000) ?? ProfileDefaults.Iterations,
        };
        var sessions = new OrtSessionFactory(new SessionSettings(ProviderOption.Parse(args) ?? ExecutionProviderChoice.Auto,
            IntraOpThreads: args.IntValue("--threads", 1, 1024)));
        var output = Path.GetFullPath(args.Value("--output") ?? DefaultOutput, context.WorkingDirectory);

        var clock = Stopwatch.StartNew();
        var profiler = new StaircaseProfiler(sessions, new OnnxGemmProbes(), settings);
        var result = profiler.Profile(request, new ShapeProgressLines(context, clock));
        LatencyStaircaseFile.Save(result.Staircase, output);

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
                hardware = result.Hardware.ToReport(),
                series = summaries,
            }));
            return ExitCodes.Success;
        }

        context.Out.WriteLine($"profile: {output}");
        context.Out.WriteLine($"  device {result.Staircase.Device} ({result.Provider.ToString().ToLowerInvariant()}), {result.Staircase.DType}, M = " +
            $"{result.Staircase.Tokens}, p50 of {settings.Iterations} runs per probe");
        foreach (var s in summaries)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {s.Key,-20} {s.Points,4} point(s), d {s.MinDimension}..{s.MaxDimension}, {s.FastestMs:0.###}–{s.SlowestMs:0.###} ms, {s.CliffPoints} on " +
                    $"a cliff (a larger d is > {tolerance * 100:0.#}% faster)"));
        }

        if (result.Provider == ExecutionProvider.Cpu)
        {
            // PLATFORM-NOTES: ORT's CPU MatMul shows no alignment effect; step-to-step differences are noise.
            context.Out.WriteLine("  note: measured on the CPU, which shows no alignment steps; points \"on a cliff\" here are timing noise. Profile on the " +
                "GPU you deploy to.");
        }

        return ExitCodes.Success;
    }

    internal static ProfileRequest ParseRequest(ParsedArguments args)
    {
        var shapesText = args.Value("--shape") ?? throw ParsedArguments.ArgumentError("'profile' needs --shape KxN (e.g. --shape 4096x14336).");
        try
        {
            var shapes = shapesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(GemmShape.Parse).ToArray();
            var sweep = args.Value("--dims") is { } dims ? DimensionSweep.Parse(dims) : null;
            var dtype = args.Value("--dtype") is { } type ? ProbeDataTypes.Parse(type) : ProbeDataType.Float32;
            var tokens = args.IntValue("--tokens", 1, 1 << 20) ?? ProfileDefaults.Tokens;
            return new ProfileRequest(shapes, tokens, sweep, dtype, args.Has("--dense"));
        }
        catch (FormatException e)
        {
            throw ParsedArguments.ArgumentError(e.Message);
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
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[profile] {value.Probe.Name}: {value.P50Ms:0.###} ms " +
                    $"({value.Completed}/{value.Total})"));
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
