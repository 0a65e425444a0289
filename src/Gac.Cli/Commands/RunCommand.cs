using System.Globalization;
using Gac.Core.Spec;
using Gac.Pipeline;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build run gac.yaml</c>: the whole pipeline. Exit 0 when the gate accepts (the artifact is
/// then in place), 1 when it rejects (nothing written; reasons per goal on stderr), 2 for bad input.
/// <c>--stage compress</c> stops before validation and writes a candidate bundle for
/// <c>gac-build validate</c> (exit 0 when written).
/// </summary>
public sealed class RunCommand : GacCommand
{
    private readonly Argument<string> _spec = Required("spec", "The gac.yaml to run.");
    private readonly RunOptions _run = new();
    private readonly Option<RunStage?> _stage = CliOptions.Choice(
        "--stage",
        "all (default): the whole run; compress: stop after the candidate is written and chosen, and write it as a bundle for "
        + "`gac-build validate` (calibration on the CPU, no gate, nothing published).",
        ("all", RunStage.All),
        ("compress", RunStage.Compress));
    private readonly Option<string?> _bundle =
        CliOptions.Text("--bundle", "dir", "With --stage compress: the bundle folder to write (default: gac-bundle in report.directory).");

    public RunCommand(CliHost host)
        : base(host, "run", "Compress, align, validate and gate a model; write the artifact only when accepted.")
    {
        Declare([_spec, .. _run.Options, _stage, _bundle]);
    }

    protected override int Execute(CommandContext context) => ExecuteAsync(context).GetAwaiter().GetResult();

    /// <summary>The pipeline runs with the command's token: Ctrl-C or SIGTERM unwinds it (scratch removed, nothing published).</summary>
    protected override async Task<int> ExecuteAsync(CommandContext context)
    {
        var given = context.Get(_spec);
        if (context.Get(_stage) == RunStage.Compress)
        {
            return Compress(context, given);
        }

        if (context.Get(_bundle) is not null)
        {
            throw ArgumentErrors.Create("option --bundle is only for --stage compress.");
        }

        var spec = GacSpecLoader.Load(context.FullPath(given));
        var result = await GacPipeline.RunAsync(spec, _run.Pipeline(context), _run.Progress(context), context.Cancellation).ConfigureAwait(false);
        RunResultText.Write(context, given, result);
        return result.ExitCode;
    }

    private int Compress(CommandContext context, string given)
    {
        // Where and how to validate is the validate stage's business: taking these here would silently do nothing.
        var validateOnly = _run.GivenOverrides(context);
        if (validateOnly.Count > 0)
        {
            throw ArgumentErrors.Create($"option {string.Join(", ", validateOnly)} belongs to the validate stage: pass it to `gac-build validate <bundle>`.");
        }

        var spec = GacSpecLoader.Load(context.FullPath(given));
        var bundle = context.FullPathOrNull(context.Get(_bundle)) ?? Path.Combine(spec.Report.Directory.FullPath, "gac-bundle");
        var manifest = GacPipeline.CompressToBundle(spec, bundle, progress: _run.Progress(context), cancellationToken: context.Cancellation);
        foreach (var warning in Gac.Pipeline.Bundles.CandidateBundle.WarningsOf(manifest, bundle))
        {
            context.Report(warning);
        }

        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(manifest.Serialize());
            return ExitCodes.Success;
        }

        var relative = Path.GetRelativePath(context.WorkingDirectory, bundle);
        var summary = manifest.Plan.Summary;
        var megabytes = manifest.Files.Sum(f => f.Bytes) / 1e6;
        context.Out.WriteLine(Invariant($"compressed: wrote candidate bundle {relative} ({manifest.Files.Count} files, {megabytes:F1} MB)"));
        context.Out.WriteLine(
            Invariant($"  plan       {manifest.Plan.Strategy}: {summary.AlignedPercentAfter:0.#}% aligned to multiples of {summary.Alignment}; ") +
            Invariant($"gac {summary.ParametersAligned:N0} of {summary.ParametersOriginal:N0} linear parameters"));
        context.Out.WriteLine($"  next       gac-build validate {relative}");
        return ExitCodes.Success;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How much of a run <c>--stage</c> asks for.</summary>
public enum RunStage
{
    All,
    Compress,
}
