using Gac.Core.Reports;
using NJsonSchema;

namespace Gac.Core.Tests.Reports;

/// <summary>A decode-step latency section beside the prefill: in the JSON (schema'd), the Markdown summary and compare.</summary>
public sealed class DecodeLatencyReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-decode-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Tokens_per_second_is_the_tokens_of_one_step_over_its_median_time()
    {
        var section = Decode(originalP50: 0.5, gacP50: 0.4);

        Assert.Equal(2 * 1000 / 0.5, section.TokensPerSecond(section.Variants[0])!.Value, 9);
        Assert.Null(new LatencySection("batch=1,seq=128", 1, section.Variants, []).TokensPerSecond(section.Variants[0]));
    }

    [Fact]
    public async Task The_json_keeps_the_phase_and_context_and_satisfies_the_schema()
    {
        var report = WithDecode(ComparedRunReports.Asvd(), 0.5, 0.4);
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Diagnostics.DiagnosticCatalogueTests.RepositoryRoot(), "src", "Gac.Core", "Reports", "report.schema.json"));

        var json = ReportJson.Serialize(report);
        var back = ReportJson.Deserialize(json);

        Assert.Empty(schema.Validate(json).Select(e => e.ToString()));
        Assert.Equal(("prefill", "decode", 127, 2), (back.Latency[0].Phase, back.Latency[1].Phase, back.Latency[1].ContextLength, back.Latency[1].TokensPerStep));
    }

    [Fact]
    public void A_report_without_a_phase_reads_as_prefill()
    {
        var json = ReportJson.Serialize(ComparedRunReports.Asvd()).Replace("\"phase\": \"prefill\",", string.Empty, StringComparison.Ordinal);

        Assert.DoesNotContain("\"phase\"", json, StringComparison.Ordinal);
        Assert.Equal(LatencySection.PrefillPhase, ReportJson.Deserialize(json).Latency[0].Phase);
    }

    [Fact]
    public void Markdown_has_a_decode_table_with_tokens_per_second()
    {
        var markdown = MarkdownSummary.Render(WithDecode(ComparedRunReports.Asvd(), 0.5, 0.4));

        Assert.Contains("## Decode latency — one step at context 127 (batch=2,past_sequence=127,seq=1)", markdown, StringComparison.Ordinal);
        Assert.Contains("| variant | p50 ms | p90 ms | p99 ms | mean ms | tokens/s | speedup vs original |", markdown, StringComparison.Ordinal);
        Assert.Contains("| gac | 0.400 | 0.440 | 0.480 | 0.408 | 5,000 | 1.25× [1.10, 1.40] |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Latency — batch=1,seq=128", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_shows_the_decode_step_beside_the_prefill_with_tokens_per_second()
    {
        var comparison = ReportComparison.Build([OnDisk("asvd", WithDecode(ComparedRunReports.Asvd(), 0.5, 0.4)), OnDisk("prune", WithDecode(ComparedRunReports.Prune(), 0.5, 0.45))]);

        var markdown = ComparisonTable.RenderMarkdown(comparison);

        Assert.Contains("p50 ms [95% CI] (batch=2,past_sequence=127,seq=1)", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.400 [0.392, 0.408], 5,000 tokens/s | 1.25× [1.10, 1.40] |", markdown, StringComparison.Ordinal);
        Assert.Contains("p50 ms [95% CI] (batch=1,seq=128)", markdown, StringComparison.Ordinal);
    }

    private static LatencySection Decode(double originalP50, double gacP50)
    {
        static VariantLatency Variant(string name, double p50) => new(name, p50, p50 * 1.1, p50 * 1.2, p50 * 1.02, 30, p50 * 0.98, p50 * 1.02);
        return new LatencySection(
            "batch=2,past_sequence=127,seq=1",
            5,
            [Variant("original", originalP50), Variant("unaligned", originalP50), Variant("gac", gacP50)],
            [new SpeedupEntry("unaligned", "original", 1.0, 0.9, 1.1), new SpeedupEntry("gac", "original", originalP50 / gacP50, 1.1, 1.4)])
        {
            Phase = LatencySection.DecodePhase,
            ContextLength = 127,
            TokensPerStep = 2,
        };
    }

    private static RunReport WithDecode(RunReport report, double originalP50, double gacP50)
        => report with { Latency = [.. report.Latency, Decode(originalP50, gacP50)] };

    private (string Path, RunReport Report) OnDisk(string name, RunReport report)
    {
        var path = Path.Combine(_folder, name + ".json");
        File.WriteAllText(path, ReportJson.Serialize(report));
        return (path, report);
    }
}
