using System.CommandLine;
using Gac.Cli.Hosting;
using Gac.Core.Spec;
using Gac.Pipeline;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build validate &lt;bundle&gt;</c>: the second half of <c>run</c> on a bundle that
/// <c>run --stage compress</c> wrote — fidelity, latency, gate, and the atomic publish under the
/// output lock. Exit codes as <c>run</c>: 0 accepted, 1 rejected, 2 bad input (a bundle that does not
/// match its manifest or spec is GAC1800–GAC1806).
/// </summary>
public sealed class ValidateCommand : GacCommand
{
    private readonly Argument<string> _bundle = Required("bundle", "The bundle folder `run --stage compress` wrote.");
    private readonly Option<string?> _spec =
        CliOptions.Text("--spec", "path", "The gac.yaml the bundle was compressed from (default: the path the bundle recorded, relative to the bundle); it must be byte-identical.");
    private readonly Option<string?> _output =
        CliOptions.Text("--output", "path", "Write the accepted artifact here instead of export.path; its reports go beside it unless --report-dir is given.");
    private readonly Option<string?> _reportDir = CliOptions.Text("--report-dir", "dir", "Write the reports here instead of report.directory.");
    private readonly Option<ExecutionProviderChoice?> _provider = CliOptions.Provider("Override validation.provider");
    private readonly Option<int?> _iterations =
        CliOptions.Int("--iterations", "N", "Override validation.iterations (latency samples per variant).", 1, 1_000_000);
    private readonly Option<bool> _progress =
        CliOptions.Flag("--progress", "Print progress lines on stderr even when it is redirected (they are shown on a terminal anyway).");

    public ValidateCommand(CliHost host)
        : base(host, "validate", "Validate, gate and publish a candidate bundle written by `run --stage compress`.")
    {
        Declare([_bundle, _spec, _output, _reportDir, _provider, _iterations, _progress]);
    }

    protected override int Execute(CommandContext context) => ExecuteAsync(context).GetAwaiter().GetResult();

    protected override async Task<int> ExecuteAsync(CommandContext context)
    {
        var bundle = context.FullPath(context.Get(_bundle));
        var options = new PipelineOptions
        {
            OutputPath = context.FullPathOrNull(context.Get(_output)),
            ReportDirectory = context.FullPathOrNull(context.Get(_reportDir)),
            Provider = context.Get(_provider),
            Iterations = context.Get(_iterations),
        };
        var progress = context.ShowProgress || context.Get(_progress) ? new RunCommand.ConsoleProgress(context.Error) : null;
        var result = await GacPipeline.ValidateAsync(bundle, context.FullPathOrNull(context.Get(_spec)), options, progress, context.Cancellation).ConfigureAwait(false);
        RunCommand.Write(context, context.Get(_bundle), result);
        return result.ExitCode;
    }
}
