using Gac.Core.Diagnostics;
using Gac.Core.Reports;

namespace Gac.Core.Tests.Reports;

public sealed class ReportComparisonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-compare-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes the report with the real writer and reads it back as `compare` does.</summary>
    private (string Path, RunReport Report) OnDisk(string name, RunReport report)
    {
        var path = Path.Combine(_folder, name, ReportJson.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ReportJson.Write(report, path);
        return (path, ReportFile.Read(path));
    }

    private ReportComparison AsvdAndPrune() => ReportComparison.Build([OnDisk("asvd", ComparedRunReports.Asvd()), OnDisk("prune", ComparedRunReports.Prune())]);

    [Fact]
    public void The_original_appears_once_then_each_runs_unaligned_and_gac_variants_labelled_by_method()
    {
        var comparison = AsvdAndPrune();

        Assert.Equal(["original", "ASVD", "ASVD + GAC", "prune", "prune + GAC"], comparison.Rows.Select(r => r.Label));
        Assert.Equal([1_000_000L, 850_000, 849_600, 851_000, 850_700], comparison.Rows.Select(r => r.LinearParameters));
        Assert.Equal([null, 25.0, 100.0, 0.0, 100.0], comparison.Rows.Select(r => r.AlignedPercent));
        Assert.Equal([6.0, 6.2, 6.25, 6.1, 6.12], comparison.Rows.Select(r => r.Perplexity));
        Assert.Equal([10.0, 9.5, 8.0, 8.9, 8.7], comparison.Rows.Select(r => r.Latency.Single().P50Ms));
        Assert.Equal([null, null, "accepted", null, "accepted"], comparison.Rows.Select(r => r.Verdict));
        Assert.True(comparison.PerplexityRecorded);
        // (851,000 − 850,000) / 850,000, rounded to 4 decimals.
        Assert.Equal(0.1176, comparison.BudgetSpreadPercent, 4);
        Assert.Empty(comparison.Warnings);
    }

    [Fact]
    public void Text_and_markdown_show_the_same_rows_with_latency_ci_and_same_run_speedup()
    {
        var comparison = AsvdAndPrune();

        var text = ComparisonTable.RenderText(comparison);
        var markdown = ComparisonTable.RenderMarkdown(comparison);

        Assert.Contains("| prune + GAC | 850,700 | 85.1% | 2 of 2 (100%) | 6.120 | 8.700 [8.526, 8.874] | 1.17× [1.20, 1.30] | accepted |", markdown,
            StringComparison.Ordinal);
        Assert.Contains("| original | 1,000,000 | 100.0% | — | 6.000 | 10.000 [9.800, 10.200] | 1× | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("dims aligned to 8", markdown, StringComparison.Ordinal);
        Assert.Matches(@"ASVD\s+850,000\s+85\.0%\s+1 of 4 \(25%\)\s+6\.200\s+9\.500 \[9\.310, 9\.690\]", text);
        Assert.Contains("its p50 at batch=1,seq=128 was 10.000, 10.200 ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_round_trips_through_compare_json()
    {
        var comparison = AsvdAndPrune();

        var written = ComparisonWriter.Write(comparison, _folder);
        var back = ComparisonWriter.Deserialize(File.ReadAllText(written[0]));

        Assert.Equal([Path.Combine(_folder, "compare.json"), Path.Combine(_folder, "compare.md")], written);
        Assert.Equal(comparison.Rows.Select(r => (r.Label, r.LinearParameters, r.Perplexity)), back.Rows.Select(r => (r.Label, r.LinearParameters,
            r.Perplexity)));
        Assert.Equal("1", back.SchemaVersion);
    }

    [Fact]
    public void Reports_of_a_different_model_file_are_refused_with_GAC9102()
    {
        var other = ComparedRunReports.Prune();
        other = other with { Inputs = other.Inputs with { Model = new string('e', 64) } };

        var error = Assert.Throws<GacException>(() => ReportComparison.Build([OnDisk("asvd", ComparedRunReports.Asvd()), OnDisk("other", other)]));

        Assert.Equal("GAC9102", error.Diagnostics[0].Code);
        Assert.Contains("model SHA-256", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_with_a_different_original_parameter_count_are_refused_with_GAC9102()
    {
        var other = ComparedRunReports.Prune();
        other = other with { Plan = other.Plan! with { ParametersOriginal = 999_999 } };

        var error = Assert.Throws<GacException>(() => ReportComparison.Build([OnDisk("asvd", ComparedRunReports.Asvd()), OnDisk("other", other)]));

        Assert.Equal("GAC9102", error.Diagnostics[0].Code);
        Assert.Contains("1,000,000 vs 999,999", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Budgets_more_than_one_percent_apart_fail_with_GAC9103_unless_allowed_then_warn()
    {
        var bigger = ComparedRunReports.Prune();
        // 860,000 vs 850,000 is 1.18% apart.
        bigger = bigger with { Plan = bigger.Plan! with { ParametersUnaligned = 860_000 } };
        (string, RunReport)[] inputs = [OnDisk("asvd", ComparedRunReports.Asvd()), OnDisk("bigger", bigger)];

        var error = Assert.Throws<GacException>(() => ReportComparison.Build(inputs));
        var allowed = ReportComparison.Build(inputs, allowBudgetMismatch: true);

        Assert.Equal("GAC9103", error.Diagnostics[0].Code);
        Assert.Contains("differ by 1.18%", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains(allowed.Warnings, w => w.Contains("warning GAC9103", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_that_is_not_a_run_report_is_GAC9101_and_a_missing_one_GAC9003()
    {
        var garbage = Path.Combine(_folder, "garbage.json");
        File.WriteAllText(garbage, "{ \"schemaVersion\": ");
        var other = Path.Combine(_folder, "other.json");
        File.WriteAllText(other, "{ \"name\": \"not a report\" }");

        var syntax = Assert.Throws<GacException>(() => ReportFile.Read(garbage));
        var shape = Assert.Throws<GacException>(() => ReportComparison.Build([OnDisk("asvd", ComparedRunReports.Asvd()), (other, ReportFile.Read(other))]));
        var missing = Assert.Throws<GacException>(() => ReportFile.Read(Path.Combine(_folder, "absent.json")));

        Assert.Equal("GAC9101", syntax.Diagnostics[0].Code);
        Assert.Equal("GAC9101", shape.Diagnostics[0].Code);
        Assert.Equal("GAC9003", missing.Diagnostics[0].Code);
    }

    [Fact]
    public void Without_perplexity_in_every_run_fidelity_is_relative_error()
    {
        var asvd = ComparedRunReports.Asvd();
        asvd = asvd with { Fidelity = asvd.Fidelity! with { PerplexityCandidate = null } };

        var comparison = ReportComparison.Build([OnDisk("asvd", asvd), OnDisk("prune", ComparedRunReports.Prune())]);

        Assert.False(comparison.PerplexityRecorded);
        Assert.Contains("rel. L2 error", ComparisonTable.Header(comparison));
        Assert.Equal("0.04", ComparisonTable.Cells(comparison)[1][4]);
    }
}
