using Gac.Core.Spec;
using Gac.Runtime.Benchmark;

namespace Gac.Cli.Hosting;

/// <summary>How bench and profile time a model: --provider, --warmup, --iterations and --threads.</summary>
public sealed class MeasurementOptions(string warmupDescription, string iterationsDescription)
{
    private readonly Option<ExecutionProviderChoice?> _provider = CliOptions.Provider("Execution provider (default auto)");
    private readonly Option<int?> _warmup = CliOptions.Int("--warmup", "N", warmupDescription, 0, 1_000_000);
    private readonly Option<int?> _iterations = CliOptions.Int("--iterations", "N", iterationsDescription, 1, 10_000_000);
    private readonly Option<int?> _threads = CliOptions.Int("--threads", "N", "ONNX Runtime intra-op threads (default: one per physical core).", 1, 1024);

    public IEnumerable<Option> Options => [_provider, _warmup, _iterations, _threads];

    public ExecutionProviderChoice Provider(CommandContext context) => context.Get(_provider) ?? ExecutionProviderChoice.Auto;

    /// <summary>The command's own defaults with --warmup and --iterations applied where given.</summary>
    public BenchmarkSettings Settings(CommandContext context, BenchmarkSettings defaults) => defaults with
    {
        Warmup = context.Get(_warmup) ?? defaults.Warmup,
        Iterations = context.Get(_iterations) ?? defaults.Iterations,
    };

    public int? Threads(CommandContext context) => context.Get(_threads);
}
