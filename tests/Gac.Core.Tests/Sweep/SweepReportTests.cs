using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Core.Sweep;
using NJsonSchema;

namespace Gac.Core.Tests.Sweep;

public sealed class SweepReportTests
{
    private static readonly SweepQuality Perplexity = new(SweepQuality.Perplexity, HigherIsBetter: false, Samples: 16);

    [Fact]
    public void Ratios_parse_sorted_and_refuse_what_is_not_a_ratio()
    {
        Assert.Equal([0.05, 0.1, 0.2], SweepRatios.Parse("0.2, 0.05,0.1"));
        foreach (var bad in new[] { "0.1,x", "0", "1", "-0.2", "0.1,0.1", "NaN", string.Empty })
        {
            var e = Assert.Throws<GacException>(() => SweepRatios.Parse(bad));
            Assert.Equal("GAC0090", e.Diagnostics.Single().Descriptor.Code);
        }

        Assert.Throws<GacException>(() => SweepRatios.Check(Enumerable.Range(1, 41).Select(i => i / 100.0).ToList()));
    }

    [Fact]
    public void Fronts_hold_exactly_the_variants_no_other_variant_dominates()
    {
        // Perplexity lower is better. (params, p50, ppl): B dominates C on both axes; D is the smallest but worst.
        var points = new[]
        {
            Point(0.1, Variant("unaligned", 900, 4.0, 6.0), Variant("gac", 890, 3.0, 6.0)),
            Point(0.2, Variant("unaligned", 800, 3.5, 6.5), Variant("gac", 795, 3.6, 6.6)),
            Point(0.3, Variant("unaligned", 700, 3.2, 7.5), Variant("gac", 690, 3.2, 7.4)),
        };

        var marked = SweepAnalysis.MarkFronts(points, Perplexity);
        var all = marked.SelectMany(p => new[] { p.Unaligned, p.Aligned }).ToList();

        // By definition: on the latency front iff no other variant has ≤ perplexity and ≤ p50 with one strict.
        foreach (var v in all)
        {
            var dominatedInLatency = all.Any(o => o.Quality <= v.Quality && o.P50Ms <= v.P50Ms && (o.Quality < v.Quality || o.P50Ms < v.P50Ms));
            var dominatedInSize = all.Any(o => o.Quality <= v.Quality && o.LinearParameters <= v.LinearParameters && (o.Quality < v.Quality
                || o.LinearParameters < v.LinearParameters));
            Assert.Equal(!dominatedInLatency, v.ParetoQualityLatency);
            Assert.Equal(!dominatedInSize, v.ParetoQualityParameters);
        }

        // 0.1 gac (3.0 ms, 6.0) dominates every slower, worse variant on latency.
        Assert.True(marked[0].Aligned.ParetoQualityLatency);
        Assert.False(marked[0].Unaligned.ParetoQualityLatency);
        Assert.False(marked[1].Aligned.ParetoQualityLatency);
        Assert.True(marked[2].Aligned.ParetoQualityParameters);
    }

    [Fact]
    public void The_smallest_and_the_fastest_passing_aligned_variants_are_recommended()
    {
        var points = new[]
        {
            Point(0.1, Variant("unaligned", 900, 4.0, 6.0), Variant("gac", 890, 3.0, 6.0, passes: true)),
            Point(0.2, Variant("unaligned", 800, 3.5, 6.5), Variant("gac", 795, 3.6, 6.6, passes: true)),
            Point(0.3, Variant("unaligned", 700, 3.2, 7.5), Variant("gac", 690, 3.2, 7.4, passes: false)),
        };

        var recommendation = SweepAnalysis.Recommend(points, Perplexity);

        Assert.Equal(0.2, recommendation.SmallestRatio);
        Assert.Equal(0.1, recommendation.FastestRatio);
        var none = SweepAnalysis.Recommend(points.Select(p => p with { Aligned = p.Aligned with { PassesGate = false } }).ToList(), Perplexity);
        Assert.Null(none.SmallestRatio);
        Assert.Contains("no aligned variant passes", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_satisfies_the_published_schema_and_round_trips()
    {
        var schemaPath = Path.Combine(Diagnostics.DiagnosticCatalogueTests.RepositoryRoot(), "src", "Gac.Core", "Reports", "sweep.schema.json");
        var schema = await JsonSchema.FromFileAsync(schemaPath);
        var report = Sample();
        var json = ReportJson.Serialize(report);

        Assert.Empty(schema.Validate(json).Select(e => e.ToString()));
        Assert.Equal(report.Points[1].Aligned.LinearParameters, ReportJson.Deserialize<SweepReport>(json, "sweep report").Points[1].Aligned.LinearParameters);

        // Negative: a variant without its gate field, and an unknown quality metric, are refused.
        Assert.NotEmpty(schema.Validate(json.Replace("\"passesGate\"", "\"passes\"", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(json.Replace("\"perplexity\"", "\"accuracy\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Markdown_has_one_row_per_variant_the_fronts_and_the_recommendation()
    {
        var markdown = SweepMarkdown.Render(Sample());

        Assert.Contains("| — | original | 1,000 | 100.0% | — | 5.900 | 4.000 | 1× | | |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.2 | gac **recommended** | 795 | 79.5% | 3 of 3 (100%) | 6.600 |", markdown, StringComparison.Ordinal);
        Assert.Equal(6, markdown.Split('\n').Count(l => l.StartsWith("| 0.", StringComparison.Ordinal)));
        Assert.Contains("**Recommended ratio: 0.2**", markdown, StringComparison.Ordinal);
        Assert.Contains("❌ perplexity increase: too high", markdown, StringComparison.Ordinal);
    }

    private static SweepReport Sample()
    {
        var points = SweepAnalysis.MarkFronts(
            [
                Point(0.1, Variant("unaligned", 900, 4.0, 6.0), Variant("gac", 890, 3.0, 6.0, passes: true)),
                Point(0.2, Variant("unaligned", 800, 3.5, 6.5), Variant("gac", 795, 3.6, 6.6, passes: true)),
                Point(0.3, Variant("unaligned", 700, 3.2, 7.5), Variant("gac", 690, 3.2, 7.4, passes: false)),
            ],
            Perplexity);
        return new SweepReport(
            SweepReport.CurrentSchemaVersion, "0.1.0", DateTimeOffset.UnixEpoch, "models/tiny", "asvd", "gac", 8, "cpu", "batch=1, seq=128", 30,
            Perplexity, new SweepOriginal(1000, 5.9, 4.0, null), new SweepReuse(1, 3, 3, 6), points,
            SweepAnalysis.Recommend(points, Perplexity), []);
    }

    private static SweepPoint Point(double ratio, SweepVariant unaligned, SweepVariant aligned) => new(ratio, unaligned, aligned);

    private static SweepVariant Variant(string name, long parameters, double p50, double perplexity, bool? passes = null)
        => new(
            name, parameters, parameters / 10.0, name == "gac" ? 3 : 0, 3, perplexity, p50, p50 * 0.9, p50 * 1.1, 4.0 / p50, null, false, false,
            name == "gac" ? passes : null, passes == false ? ["perplexity increase: too high"] : []);
}
