using Gac.Core.Reports;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build compare a/gac.report.json b/gac.report.json</c>: several runs of one model (e.g. ASVD
/// and prune at one ratio) in one table — the original once, then each run's unaligned and gac
/// variants. Writes compare.json and compare.md; prints the table. Reads reports only, so it is instant.
/// </summary>
public sealed class CompareCommand : GacCommand
{
    private readonly Argument<string[]> _reports = new Argument<string[]>("report.json")
    {
        Description = "gac.report.json files written by `gac-build run` on the same model; two or more.",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly Option<string?> _out = CliOptions.Text("--out", "DIR", "Folder for compare.json and compare.md (default: the current folder).");
    private readonly Option<bool> _allowBudgetMismatch =
        CliOptions.Flag("--allow-budget-mismatch", "Compare reports whose budgets differ by more than 1% (GAC9103 becomes a warning).");

    public CompareCommand(CliHost host)
        : base(
            host,
            "compare",
            "Put two or more run reports of one model side by side (compare.json, compare.md).",
            OutputFormat.Text,
            OutputFormat.Json,
            OutputFormat.Markdown)
    {
        Declare([_reports, _out, _allowBudgetMismatch]);
    }

    protected override int Execute(CommandContext context)
    {
        var given = context.Get(_reports);
        if (given.Length < 2)
        {
            throw ArgumentErrors.Create($"'compare' needs two or more reports; found {given.Length}.");
        }

        // Paths stay as the user wrote them in the output (compare.md is often committed); files are read by full path.
        var reports = given
            .Select(p => (Path: p, Report: ReportFile.Read(context.ExistingFile(p, "Report"))))
            .ToList();
        var comparison = ReportComparison.Build(reports, context.Get(_allowBudgetMismatch));
        foreach (var warning in comparison.Warnings)
        {
            context.Error.WriteLine(warning);
        }

        var folder = context.FullPath(context.Get(_out) ?? ".");
        var written = ComparisonWriter.Write(comparison, folder);
        context.Out.Write(context.Format switch
        {
            OutputFormat.Json => ComparisonWriter.Serialize(comparison) + Environment.NewLine,
            OutputFormat.Markdown => ComparisonTable.RenderMarkdown(comparison),
            _ => ComparisonTable.RenderText(comparison) + Environment.NewLine + $"wrote {string.Join(", ", written)}" + Environment.NewLine,
        });
        return ExitCodes.Success;
    }
}
