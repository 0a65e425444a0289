using Gac.Core.Spec;
using Gac.Pipeline;

namespace Gac.Cli.Hosting;

/// <summary>
/// The options of a pipeline run that override its spec — where it publishes (--output, --report-dir)
/// and how it validates (--provider, --iterations) — and --progress. run and validate take them all;
/// a command that publishes nothing (sweep) takes the validation half.
/// </summary>
public sealed class RunOptions(bool publishes = true, string iterationsDescription = "Override validation.iterations (latency samples per variant).")
{
    private readonly Option<string?> _output = CliOptions.Text(
        "--output",
        "path",
        "Write the accepted artifact here instead of export.path; its reports go beside it unless --report-dir is given.");
    private readonly Option<string?> _reportDir = CliOptions.Text("--report-dir", "dir", "Write the reports here instead of report.directory.");
    private readonly Option<ExecutionProviderChoice?> _provider = CliOptions.Provider("Override validation.provider");
    private readonly Option<int?> _iterations = CliOptions.Int("--iterations", "N", iterationsDescription, 1, 1_000_000);
    private readonly Option<bool> _progress = CliOptions.Flag(
        "--progress",
        "Print progress lines on stderr even when it is redirected (they are shown on a terminal anyway).");

    public IEnumerable<Option> Options => publishes
        ? [_output, _reportDir, _provider, _iterations, _progress]
        : [_provider, _iterations, _progress];

    /// <summary>The overrides as the pipeline takes them; paths resolved against the working directory.</summary>
    public PipelineOptions Pipeline(CommandContext context) => new()
    {
        OutputPath = context.FullPathOrNull(context.Get(_output)),
        ReportDirectory = context.FullPathOrNull(context.Get(_reportDir)),
        Provider = context.Get(_provider),
        Iterations = context.Get(_iterations),
    };

    /// <summary>Progress lines on a terminal, or anywhere with --progress; none otherwise.</summary>
    public IProgress<PipelineProgress>? Progress(CommandContext context)
        => context.ShowProgress || context.Get(_progress) ? new ConsoleProgress(context.Error) : null;

    /// <summary>The overrides the user gave (not --progress), by name: a stage that does not validate refuses them.</summary>
    public IReadOnlyList<string> GivenOverrides(CommandContext context)
        => new Option[] { _output, _reportDir, _provider, _iterations }.Where(context.Given).Select(o => o.Name).ToList();
}
