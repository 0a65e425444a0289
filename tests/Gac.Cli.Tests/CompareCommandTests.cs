using System.Text.Json;
using Gac.Core.Reports;

namespace Gac.Cli.Tests;

public sealed class CompareCommandTests : IClassFixture<ComparedRuns>
{
    private readonly ComparedRuns _runs;

    public CompareCommandTests(ComparedRuns runs) => _runs = runs;

    private CliRun Compare(params string[] args) => CliRun.InDirectory(_runs.Folder, ["compare", .. args]);

    [Fact]
    public void Asvd_and_prune_at_one_ratio_land_on_one_budget_and_compare_prints_five_rows()
    {
        var run = Compare(_runs.AsvdReport, _runs.PruneReport, "--out", "cmp");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        var rows = run.Out.Split('\n').Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim()).ToList();
        Assert.Equal(["original", "ASVD", "ASVD + GAC", "prune", "prune + GAC"], rows.Where(r => r is "original" or "ASVD" or "ASVD + GAC" or "prune"
            or "prune + GAC"));
        var comparison = ComparisonWriter.Deserialize(File.ReadAllText(Path.Combine(_runs.Folder, "cmp", "compare.json")));
        // Both compressors remove 30% of the compressible weights: ASVD to within its rank grid, prune
        // to within half an MLP channel; the reports' budgets agree within compare's 1% tolerance.
        Assert.InRange(comparison.BudgetSpreadPercent, 0, ReportComparison.BudgetTolerancePercent);
        Assert.Equal(100, comparison.Rows.Single(r => r.Label == "prune + GAC").AlignedPercent);
        Assert.Equal(100, comparison.Rows.Single(r => r.Label == "ASVD + GAC").AlignedPercent);
        Assert.All(comparison.Rows, r => Assert.Single(r.Latency));
        Assert.True(File.Exists(Path.Combine(_runs.Folder, "cmp", "compare.md")));
    }

    [Fact]
    public void Json_and_markdown_formats_print_the_written_files_contents()
    {
        var json = Compare(_runs.AsvdReport, _runs.PruneReport, "--out", "j", "--format", "json");
        var markdown = Compare(_runs.AsvdReport, _runs.PruneReport, "--out", "m", "--format", "markdown");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(5, JsonDocument.Parse(json.Out).RootElement.GetProperty("rows").GetArrayLength());
        Assert.Equal(0, markdown.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(_runs.Folder, "m", "compare.md")), markdown.Out);
        Assert.Contains("| prune + GAC |", markdown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_of_another_model_are_bad_input_GAC9102()
    {
        var other = Path.Combine("other", "gac.report.json");
        var report = ReportFile.Read(Path.Combine(_runs.Folder, _runs.PruneReport));
        Directory.CreateDirectory(Path.Combine(_runs.Folder, "other"));
        ReportJson.Write(report with { Inputs = report.Inputs with { Model = new string('0', 64) } }, Path.Combine(_runs.Folder, other));

        var run = Compare(_runs.AsvdReport, other);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error GAC9102", run.Error, StringComparison.Ordinal);
        Assert.True(run.HasNoStackTrace);
    }

    [Fact]
    public void Budgets_apart_are_GAC9103_and_allowed_with_a_warning()
    {
        var doubled = Path.Combine("doubled", "gac.report.json");
        var report = ReportFile.Read(Path.Combine(_runs.Folder, _runs.PruneReport));
        Directory.CreateDirectory(Path.Combine(_runs.Folder, "doubled"));
        ReportJson.Write(report with { Plan = report.Plan! with { ParametersUnaligned = report.Plan.ParametersUnaligned * 11 / 10 } },
            Path.Combine(_runs.Folder, doubled));

        var refused = Compare(_runs.AsvdReport, doubled, "--out", "b");
        var allowed = Compare(_runs.AsvdReport, doubled, "--out", "b", "--allow-budget-mismatch");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error GAC9103", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("warning GAC9103", allowed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_a_non_report_and_a_single_report_are_bad_input()
    {
        File.WriteAllText(Path.Combine(_runs.Folder, "spec.json"), "[1, 2, 3]");

        var missing = Compare(_runs.AsvdReport, "nowhere/gac.report.json");
        var notReport = Compare(_runs.AsvdReport, "spec.json");
        var single = Compare(_runs.AsvdReport);

        Assert.Equal((2, true), (missing.ExitCode, missing.Error.Contains("GAC9003", StringComparison.Ordinal)));
        Assert.Equal((2, true), (notReport.ExitCode, notReport.Error.Contains("GAC9101", StringComparison.Ordinal)));
        Assert.Equal((2, true), (single.ExitCode, single.Error.Contains("GAC9002", StringComparison.Ordinal)));
        Assert.True(notReport.HasNoStackTrace);
    }

    [Fact]
    public void Markdown_is_a_format_of_compare_only()
    {
        var run = CliRun.Invoke("explain", "--format", "markdown");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--format expects 'text' or 'json'", run.Error, StringComparison.Ordinal);
    }
}
