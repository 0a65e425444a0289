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
    private readonly Option<string?> _spec = CliOptions.Text(
        "--spec",
        "path",
        "The gac.yaml the bundle was compressed from (default: the path the bundle recorded, relative to the bundle); it must be byte-identical.");
    private readonly RunOptions _run = new();

    public ValidateCommand(CliHost host)
        : base(host, "validate", "Validate, gate and publish a candidate bundle written by `run --stage compress`.")
    {
        Declare([_bundle, _spec, .. _run.Options]);
    }

    protected override int Execute(CommandContext context) => ExecuteAsync(context).GetAwaiter().GetResult();

    protected override async Task<int> ExecuteAsync(CommandContext context)
    {
        var bundle = context.FullPath(context.Get(_bundle));
        var spec = context.FullPathOrNull(context.Get(_spec));
        var result = await GacPipeline.ValidateAsync(bundle, spec, _run.Pipeline(context), _run.Progress(context), context.Cancellation).ConfigureAwait(false);
        RunResultText.Write(context, context.Get(_bundle), result);
        return result.ExitCode;
    }
}
