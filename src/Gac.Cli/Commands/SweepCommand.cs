using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Core.Sweep;
using Gac.Pipeline.Sweep;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build sweep gac.yaml --ratios 0.05,0.1,…</c>: the spec's model at each ratio, unaligned and
/// aligned, measured side by side in one run; writes gac.sweep.json / .md / .png and publishes nothing.
/// Exit 0 when the sweep completed (GAC2132 warns when no variant passes the gate), 2 for bad input.
/// </summary>
public sealed class SweepCommand : GacCommand
{
    private readonly Argument<string> _spec =
        Required("spec", "The gac.yaml to sweep (compress.method asvd or svd; compress.ratio is replaced by each swept ratio).");
    private readonly Option<string?> _ratios =
        CliOptions.Text("--ratios", "r1,r2,…", "Compression ratios to sweep, comma-separated, each in (0, 1); default 0.05,0.1,0.15,0.2,0.25,0.3.");
    private readonly Option<string?> _out =
        CliOptions.Text("--out", "dir", "Write gac.sweep.json, gac.sweep.md and gac.sweep.png here instead of <report.directory>/sweep.");
    private readonly RunOptions _run = new(publishes: false, "Override validation.iterations (latency samples per variant and ratio).");

    public SweepCommand(CliHost host)
        : base(host, "sweep", "Measure several compression ratios in one run: Pareto fronts and the recommended ratio.")
    {
        Declare([_spec, _ratios, _out, .. _run.Options]);
    }

    protected override int Execute(CommandContext context)
    {
        var given = context.Get(_spec);
        var ratios = context.Get(_ratios) is { } text ? SweepRatios.Parse(text) : SweepRatios.Default;
        var spec = GacSpecLoader.Load(context.FullPath(given));
        var request = new SweepRequest(ratios, context.FullPathOrNull(context.Get(_out)));
        var result = BudgetSweep.Run(spec, request, _run.Pipeline(context), _run.Progress(context), context.Cancellation);
        foreach (var warning in result.Warnings)
        {
            context.Report(warning);
        }

        if (context.Format == OutputFormat.Json)
        {
            context.Out.WriteLine(ReportJson.Serialize(result.Report));
            return ExitCodes.Success;
        }

        context.Out.Write(SweepMarkdown.Render(result.Report));
        context.Out.WriteLine();
        context.Out.WriteLine($"reports: {string.Join(", ", result.Files.Select(f => Path.GetRelativePath(context.WorkingDirectory, f)))}");
        return ExitCodes.Success;
    }
}
