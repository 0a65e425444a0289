using System.CommandLine;
using Gac.Core.Spec;

namespace Gac.Cli.Hosting;

/// <summary>How bench and profile time a model: --provider, --warmup, --iterations and --threads.</summary>
public sealed class MeasurementOptions
{
    private readonly Option<ExecutionProviderChoice?> _provider;
    private readonly Option<int?> _warmup;
    private readonly Option<int?> _iterations;
    private readonly Option<int?> _threads;

    public MeasurementOptions(Command command, string warmupDescription, string iterationsDescription)
    {
        _provider = CliOptions.Provider("Execution provider (default auto)");
        _warmup = CliOptions.Int("--warmup", "N", warmupDescription, 0, 1_000_000);
        _iterations = CliOptions.Int("--iterations", "N", iterationsDescription, 1, 10_000_000);
        _threads = CliOptions.Int("--threads", "N", "ONNX Runtime intra-op threads (default: one per physical core).", 1, 1024);
        command.Options.Add(_provider);
        command.Options.Add(_warmup);
        command.Options.Add(_iterations);
        command.Options.Add(_threads);
    }

    public ExecutionProviderChoice Provider(CommandContext context) => context.Get(_provider) ?? ExecutionProviderChoice.Auto;

    public int Warmup(CommandContext context, int fallback) => context.Get(_warmup) ?? fallback;

    public int Iterations(CommandContext context, int fallback) => context.Get(_iterations) ?? fallback;

    public int? Threads(CommandContext context) => context.Get(_threads);
}
