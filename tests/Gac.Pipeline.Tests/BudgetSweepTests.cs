using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Core.Sweep;
using Gac.Pipeline.Sweep;
using NJsonSchema;

namespace Gac.Pipeline.Tests;

/// <summary>
/// The budget sweep on the trained tiny-llama (examples/models/tiny-llama) with its own held-out
/// text: three ratios, one run, each layer decomposed once, quality as held-out perplexity.
/// </summary>
public sealed class BudgetSweepTests : IDisposable
{
    // The four blocks' 28 linear layers hold 737,280 weights; the LM head (32,768) stays dense (examples/language-model/README.md).
    private const long Compressible = 737_280;
    private const long LinearTotal = 770_048;
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-sweep-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task One_run_measures_every_ratio_from_one_decomposition_per_layer_and_recommends_the_smallest_passing()
    {
        var output = Path.Combine(_folder, "sweep");
        var result = BudgetSweep.Run(Spec("max_perplexity_increase: \"10%\""), new SweepRequest([0.3, 0.1, 0.2], output));
        var report = result.Report;

        Assert.Equal([0.1, 0.2, 0.3], report.Points.Select(p => p.Ratio));
        Assert.Equal(SweepQuality.Perplexity, report.Quality.Metric);
        Assert.Equal(LinearTotal, report.Original.LinearParameters);
        Assert.Equal(new SweepReuse(1, 28, 28, 6), report.Reuse);
        foreach (var point in report.Points)
        {
            // Same budget for both variants: B = floor((1 − ρ)·737,280) of the blocks' weights (GAC-METHOD §2), plus the dense head.
            var budget = (long)Math.Floor((1 - point.Ratio) * Compressible) + (LinearTotal - Compressible);
            Assert.True(point.Unaligned.LinearParameters <= budget, $"{point.Ratio}: unaligned {point.Unaligned.LinearParameters} > {budget}");
            Assert.True(point.Aligned.LinearParameters <= budget, $"{point.Ratio}: aligned {point.Aligned.LinearParameters} > {budget}");
            Assert.Equal(100, point.Aligned.AlignedPercent);
            Assert.True(point.Aligned.Quality > 1 && double.IsFinite(point.Aligned.Quality));
            Assert.True(point.Unaligned.P50Ms > 0 && point.Aligned.P50Ms > 0);
            Assert.Null(point.Unaligned.PassesGate);
            Assert.NotNull(point.Aligned.PassesGate);
        }

        // Removing three times as many weights costs perplexity (ASVD's premise), for both variants.
        Assert.True(report.Points[2].Unaligned.Quality > report.Points[0].Unaligned.Quality);
        Assert.True(report.Points[2].Aligned.Quality > report.Points[0].Aligned.Quality);

        // Recommended: no passing aligned variant is smaller.
        var passing = report.Points.Where(p => p.Aligned.PassesGate == true).ToList();
        if (passing.Count > 0)
        {
            Assert.Equal(passing.MinBy(p => p.Aligned.LinearParameters)!.Ratio, report.Recommendation.SmallestRatio);
        }

        Assert.Contains(report.Variants(), v => v.ParetoQualityLatency);
        Assert.Contains(report.Variants(), v => v.ParetoQualityParameters);

        var schema = await JsonSchema.FromFileAsync(Path.Combine(FetchedModels.RepositoryRoot, "src", "Gac.Core", "Reports", "sweep.schema.json"));
        Assert.Empty(schema.Validate(await File.ReadAllTextAsync(Path.Combine(output, SweepReport.FileName))).Select(e => e.ToString()));
        var markdown = await File.ReadAllTextAsync(Path.Combine(output, SweepMarkdown.FileName));
        Assert.Equal(6, markdown.Split('\n').Count(l => l.StartsWith("| 0.", StringComparison.Ordinal)));
        var png = await File.ReadAllBytesAsync(Path.Combine(output, "gac.sweep.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        Assert.True(png.Length > 10_000, $"plot is {png.Length} bytes");
        Assert.False(File.Exists(Path.Combine(_folder, "out", "model.onnx")), "a sweep publishes no artifact");
    }

    [Fact]
    public void A_pruning_spec_is_refused_with_GAC2130()
    {
        var spec = Spec("max_parameters: 1000000");
        var pruning = spec with { Compress = spec.Compress with { Method = CompressionMethod.Prune } };
        var e = Assert.Throws<GacException>(() => BudgetSweep.Run(pruning, new SweepRequest([0.1])));
        Assert.Equal("GAC2130", e.Diagnostics.Single().Descriptor.Code);
    }

    [Fact]
    public void A_decode_ready_export_also_has_one_decode_step_timed_per_variant()
    {
        var output = Path.Combine(_folder, "decode");
        var report = BudgetSweep.Run(Spec("max_perplexity_increase: \"10%\"", pastKv: true), new SweepRequest([0.2], output)).Report;

        Assert.NotNull(report.Original.DecodeP50Ms);
        Assert.All(report.Variants(), v => Assert.True(v.DecodeP50Ms > 0, $"{v.Name}: decode p50 {v.DecodeP50Ms}"));
        Assert.Contains("decode p50 ms", File.ReadAllText(Path.Combine(output, SweepMarkdown.FileName)), StringComparison.Ordinal);
    }

    private GacSpec Spec(string goal, bool pastKv = false)
    {
        var model = Path.Combine(FetchedModels.RepositoryRoot, "examples", "models", "tiny-llama");
        var path = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {model}
              past_kv: {(pastKv ? "true" : "false")}
            calibration:
              samples: 8
              text: {Path.Combine(model, "heldout.txt")}
              dims: {"{"} batch: 1, seq: 128 {"}"}
            compress:
              method: asvd
              ratio: 0.15
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 3
              heldout_samples: 8
            gate:
              {goal}
              min_aligned_percent: 100
            report:
              formats: [json]
            """);
        return GacSpecLoader.Load(path);
    }
}
