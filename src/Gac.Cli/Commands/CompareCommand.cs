using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;

namespace Gac.Cli.Commands;

/// <summary>
/// <c>gac-build compare a/gac.report.json b/gac.report.json</c>: several runs of one model (e.g. ASVD
/// and prune at one ratio) in one table — the original once, then each run's unaligned and gac
/// variants. Writes compare.json and compare.md; prints the table. Reads reports only, so it is instant.
/// </summary>
public sealed class CompareCommand : CliCommand
{
    public override string Name => "compare";

    public override string Summary => "Put two or more run reports of one model side by side (compare.json, compare.md).";

    public override IReadOnlyList<ArgumentSpec> Arguments =>
        [new("report.json", "gac.report.json files written by `gac-build run` on the same model; two or more.", Repeated: true)];

    public override IReadOnlyList<OptionSpec> Options =>
    [
        new("--out", "Folder for compare.json and compare.md (default: the current folder).", "DIR"),
        new("--allow-budget-mismatch", "Compare reports whose budgets differ by more than 1% (GAC9103 becomes a warning)."),
    ];

    public override IReadOnlyList<OutputFormat> Formats => [OutputFormat.Text, OutputFormat.Json, OutputFormat.Markdown];

    public override int Execute(CommandContext context)
    {
        var args = context.Arguments;
        if (args.Positionals.Count < 2)
        {
            throw ParsedArguments.ArgumentError($"'compare' needs two or more reports; found {args.Positionals.Count}.");
        }

        // Paths stay as the user wrote them in the output (compare.md is often committed); files are read by full path.
        var reports = args.Positionals
            .Select(p => (Path: p, Report: ReportFile.Read(context.ExistingFile(p, "Report"))))
            .ToList();
        var comparison = ReportComparison.Build(reports, args.Has("--allow-budget-mismatch"));
        foreach (var warning in comparison.Warnings)
        {
            context.Error.WriteLine(warning);
        }

        var folder = Path.GetFullPath(args.Value("--out") ?? ".", context.WorkingDirectory);
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
