using Gac.Core.Spec;

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

    public int Warmup(CommandContext context, int fallback) => context.Get(_warmup) ?? fallback;

    public int Iterations(CommandContext context, int fallback) => context.Get(_iterations) ?? fallback;

    public int? Threads(CommandContext context) => context.Get(_threads);
}
