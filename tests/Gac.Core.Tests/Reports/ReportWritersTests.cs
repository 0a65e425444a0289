using System.Xml;
using System.Xml.Linq;
using Gac.Core.Reports;
using NJsonSchema;

namespace Gac.Core.Tests.Reports;

public sealed class ReportWritersTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Json_round_trips_and_uses_camel_case()
    {
        var report = SampleReport.Create();

        var json = ReportJson.Serialize(report);
        var back = ReportJson.Deserialize(json);

        Assert.Contains("\"schemaVersion\": \"1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"providerUsed\": \"cuda\"", json, StringComparison.Ordinal);
        Assert.Equal(json, ReportJson.Serialize(back));
        Assert.Equal(report.Plan!.Layers, back.Plan!.Layers);
    }

    [Fact]
    public async Task Json_satisfies_the_published_schema()
    {
        var schemaPath = Path.Combine(Diagnostics.DiagnosticCatalogueTests.RepositoryRoot(), "src", "Gac.Core", "Reports", "report.schema.json");
        var schema = await JsonSchema.FromFileAsync(schemaPath);

        var errors = schema.Validate(ReportJson.Serialize(SampleReport.Create()));

        Assert.Empty(errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task Schema_rejects_a_report_with_an_unknown_verdict()
    {
        var schemaPath = Path.Combine(Diagnostics.DiagnosticCatalogueTests.RepositoryRoot(), "src", "Gac.Core", "Reports", "report.schema.json");
        var schema = await JsonSchema.FromFileAsync(schemaPath);
        var report = SampleReport.Create();
        var bad = report with { Gate = report.Gate with { Verdict = "maybe" } };

        Assert.NotEmpty(schema.Validate(ReportJson.Serialize(bad)));
    }

    [Fact]
    public void Markdown_has_the_verdict_the_variant_rows_and_the_gate_rows()
    {
        var markdown = MarkdownSummary.Render(SampleReport.Create());

        Assert.Contains("**Verdict: ❌ rejected**", markdown, StringComparison.Ordinal);
        Assert.Contains("| original | 99.600 | 101.200 | 104.000 | 99.900 | 1× |", markdown, StringComparison.Ordinal);
        Assert.Contains("| unaligned | 100.500 | 102.000 | 106.100 | 100.800 | 0.99× [0.97, 1.01] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| gac | 67.100 | 68.000 | 70.200 | 67.300 | 1.48× [1.41, 1.55] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| perplexity increase | ≤ +0.1 | 9.88 → 10.3 (+0.42) | ❌ failed | increase +0.42 > 0.1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| speedup vs original | ≥ 1.2× |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void JUnit_has_one_testcase_per_goal_and_a_failure_per_missed_goal()
    {
        var report = SampleReport.Create();

        var text = JUnitReport.Render(report).ToString();
        var parsed = XDocument.Parse(text);

        var cases = parsed.Descendants("testcase").ToList();
        Assert.Equal(4, cases.Count);
        var failures = parsed.Descendants("failure").ToList();
        Assert.Single(failures);
        Assert.Equal("1", parsed.Root!.Attribute("failures")!.Value);
        Assert.StartsWith("perplexity increase:", failures[0].Attribute("message")!.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(224)]
    public void Svg_is_well_formed_with_one_mark_per_layer_and_one_bar_per_variant(int layers)
    {
        var svgText = LatencyPlot.Render(SampleReport.Create(layers)).ToString();

        using var reader = XmlReader.Create(new StringReader(svgText));
        var svg = XDocument.Load(reader);
        Assert.Equal(layers, svg.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "layer"));
        Assert.Equal(3, svg.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "variant"));
    }

    [Fact]
    public void Svg_colors_misaligned_layers_differently()
    {
        var svg = LatencyPlot.Render(SampleReport.Create(10));

        var fills = svg.Descendants(Svg + "g")
            .Where(g => (string?)g.Attribute("class") == "layer")
            .Select(g => (string?)g.Elements(Svg + "circle").First().Attribute("fill"))
            .ToList();
        Assert.Equal(8, fills.Count(f => f == "#2ca02c"));
        Assert.Equal(2, fills.Count(f => f == "#d62728"));
    }

    [Fact]
    public void WriteAll_writes_the_four_files()
    {
        var folder = Directory.CreateTempSubdirectory("gac-report-").FullName;
        try
        {
            var files = ReportWriter.WriteAll(SampleReport.Create(), folder);

            Assert.Equal(["gac.report.json", "gac.report.md", "gac.junit.xml", "gac.plot.svg"], files.Select(Path.GetFileName));
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 100, f));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Input_hashes_are_sha256_hex()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "abc");

            // SHA-256("abc") from FIPS 180-2, appendix B.1.
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", InputHashing.Sha256OfFile(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
