using Gac.Core.Reports;
using Gac.Pipeline.Steps;
using NJsonSchema;

namespace Gac.Pipeline.Tests;

/// <summary>validation.fidelity: layer-wise — each candidate block fed the original's block input, its output error per block in the report.</summary>
public sealed class LayerwiseFidelityTests
{
    [Fact]
    public async Task A_layer_wise_run_reports_every_blocks_error_instead_of_the_end_to_end_fidelity_in_a_schema_valid_report()
    {
        using var workspace = new PipelineWorkspace(PipelineWorkspace.DefaultModel with { Blocks = 3 });
        var spec = workspace.Spec(method: "asvd", gate: "min_aligned_percent: 50");
        spec = spec with { Validation = spec.Validation with { Fidelity = Core.Spec.FidelityMode.LayerWise } };

        var result = await GacPipeline.RunAsync(spec);

        var json = File.ReadAllText(workspace.ReportPath(ReportJson.FileName));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Text.RealTextFiles.RepositoryRoot, "src", "Gac.Core", "Reports", "report.schema.json"));
        Assert.Empty(schema.Validate(json).Select(e => e.ToString()));
        var layers = ReportJson.Deserialize(json).FidelityLayers;
        Assert.NotNull(layers);
        Assert.Equal(4, layers.Samples);
        Assert.Equal(["block 0", "block 1", "block 2"], layers.Blocks.Select(b => b.Block).Where(b => b.StartsWith("block", StringComparison.Ordinal)));
        // Every block holds compressed layers: its output moves, yet stays close to the original block's.
        Assert.All(layers.Blocks.Where(b => b.Block.StartsWith("block", StringComparison.Ordinal)), b =>
        {
            Assert.InRange(b.Aligned.RelativeL2Error, 1e-6, 0.5);
            Assert.InRange(b.Unaligned.RelativeL2Error, 1e-6, 0.5);
            Assert.InRange(b.Aligned.Cosine, 0.8, 1.0);
            Assert.True(b.Aligned.MaxAbsDiff > 0);
        });
        Assert.Null(result.Report!.Fidelity);
        Assert.Contains(result.Report.Warnings, w => w.Contains("GAC4092", StringComparison.Ordinal));
        var markdown = File.ReadAllText(workspace.ReportPath("gac.report.md"));
        Assert.Contains("## Fidelity block by block (layer-wise, not end to end)", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_candidate_equal_to_the_original_has_zero_error_in_every_block(bool tinyLlama)
    {
        // The tiny-llama export passes a causal mask (−∞ above the diagonal) from its prologue to every block.
        using var workspace = new PipelineWorkspace(PipelineWorkspace.DefaultModel with { Blocks = 2 });
        var spec = workspace.Spec();
        if (tinyLlama)
        {
            spec = spec with
            {
                Model = spec.Model with
                {
                    Path = new Core.Spec.SpecPath(Text.RealTextFiles.TinyLlama, Text.RealTextFiles.TinyLlama),
                    Format = Core.Spec.ModelFormat.HfSafetensors,
                },
            };
        }

        using var run = new RunContext(spec, new PipelineOptions(), null, CancellationToken.None);
        var model = ModelImport.Load(run);
        var original = new ModelVariant(ModelVariant.OriginalName, model.Path, 0);

        var variants = new ModelVariants(original, original with { Name = "unaligned" }, original with { Name = "gac" });

        var layers = LayerwiseFidelity.Measure(run, model.File, variants, model.InputDomains, "test");

        Assert.NotEmpty(layers.Blocks);
        Assert.All(layers.Blocks, b =>
        {
            Assert.Equal(0, b.Aligned.RelativeL2Error);
            Assert.Equal(0, b.Unaligned.MaxAbsDiff);
            Assert.Equal(1, b.Aligned.Cosine, 12);
        });
    }
}
