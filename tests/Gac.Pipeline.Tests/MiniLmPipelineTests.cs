using Gac.Core.Model;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
using Gac.Runtime.Benchmark;

namespace Gac.Pipeline.Tests;

/// <summary>
/// The real MiniLM encoder, unmodified, through generated inputs and the whole pipeline. Expected
/// input domains come from its configuration (BERT: vocab_size 30522, type_vocab_size 2), not from our code.
/// </summary>
public sealed class MiniLmPipelineTests
{
    [Fact]
    public void Integer_input_domains_come_from_the_embedding_tables_they_index()
    {
        var domains = InputDomainDiscovery.Discover(OnnxModelFile.Load(MiniLmModel.Path).Model);

        Assert.Equal(new IntegerInputDomain("input_ids", IntegerInputKind.Ids, 30522, "embeddings.word_embeddings.weight"), domains.For("input_ids"));
        Assert.Equal(new IntegerInputDomain("token_type_ids", IntegerInputKind.Zeros, 2, "embeddings.token_type_embeddings.weight"),
            domains.For("token_type_ids"));
        Assert.Equal(IntegerInputKind.Ones, domains.For("attention_mask")!.Kind);
        Assert.Equal(3, domains.All.Count);
    }

    [Fact]
    public void Generated_inputs_are_valid_by_construction_and_the_model_runs_on_them()
    {
        var domains = InputDomainDiscovery.Discover(OnnxModelFile.Load(MiniLmModel.Path).Model);
        using var session = CpuSession.Open(MiniLmModel.Path);

        using var inputs = RandomInputs.Create(session.Signature, ShapeBucket.Parse("batch=2,sequence=64"), seed: 9, domains);
        using var outputs = session.Run(inputs, session.Signature.OutputNames, "test");

        var ids = inputs["input_ids"].Int64Values.ToArray();
        Assert.All(ids, id => Assert.InRange(id, 0, 30521));
        Assert.Contains(ids, id => id >= 256); // the whole vocabulary, not [PAD] and [unused…] only
        Assert.All(inputs["token_type_ids"].Int64Values.ToArray(), t => Assert.Equal(0, t));
        Assert.All(inputs["attention_mask"].Int64Values.ToArray(), m => Assert.Equal(1, m));
        Assert.Equal([2, 64, 384], outputs.Shape(0));
    }

    [Fact]
    public async Task Pruning_mlp_channels_and_heads_runs_end_to_end_on_the_unmodified_model()
    {
        using var workspace = new MiniLmWorkspace();
        var spec = workspace.Spec("prune", 0.3, "  prune: { targets: [mlp, heads] }");

        var result = await GacPipeline.RunAsync(spec);

        Assert.InRange(result.ExitCode, 0, 1);
        var report = ReportJson.Deserialize(File.ReadAllText(Path.Combine(workspace.Folder, "out", ReportJson.FileName)));
        Assert.Equal(10_785_408, report.Plan!.ParametersOriginal); // BertModel's linear parameters (see MiniLmDiscoveryTests)
        Assert.True(report.Plan.ParametersAligned <= report.Plan.ParametersUnaligned, "GAC stays inside the compressor's budget");
        Assert.True(report.Plan.ParametersUnaligned < report.Plan.ParametersOriginal * 0.85, "about 30% of the compressible parameters removed");
        Assert.Equal(100.0, report.Plan.AlignedPercentAfter);
        Assert.InRange(report.Fidelity!.Cosine, 0.0, 1.0);
        Assert.Equal(3, report.Latency.Single().Variants.Count);

        // Heads were removed from the attention groups (q/k/v outputs and o inputs narrowed together).
        var pruned = LinearLayerDiscovery.Discover(OnnxModelFile.Load(Path.Combine(workspace.Folder, "out", "model.gac.onnx")));
        Assert.Contains(pruned.Groups, g => g.Kind == GroupKind.Attention && g.HeadCount < 12);
        Assert.All(pruned.Groups.Where(g => g.Kind == GroupKind.Attention), g => Assert.Equal(4, g.Members.Count));
    }

    /// <summary>
    /// The fp16 variants of an export with unnamed nodes and numbered weights ("927") validated block by block: each block's first
    /// node with a block name is its query bias Add, so the query MatMul and the float16 Cast of the block input before it must be cut
    /// with that block, or the variant's block reads the half copy ("146.fp16") the original never carries (was GAC4090).
    /// </summary>
    [Fact]
    public async Task Float16_variants_of_the_unnamed_export_are_validated_block_by_block_and_accepted()
    {
        using var workspace = new MiniLmWorkspace();
        var spec = workspace.Spec("prune", 0.3, "  prune: { targets: [mlp] }", export: "  dtype: fp16", validation: "  fidelity: layer-wise",
            gate: "  min_aligned_percent: 100\n  max_block_relative_error: 1.0");

        var result = await GacPipeline.RunAsync(spec);

        Assert.Equal(0, result.ExitCode);
        var report = result.Report;
        Assert.Equal(ValidationScopeSection.LayerWise, report.ValidationScope!.Scope);
        var blocks = report.FidelityLayers!.Blocks;
        Assert.Equal(["prologue", "block 0", "block 1", "block 2", "block 3", "block 4", "block 5", "epilogue"], blocks.Select(b => b.Block));
        // The prologue (embeddings) is not compressed: only float16 rounding separates it from the original.
        Assert.InRange(blocks[0].Aligned.RelativeL2Error, 1e-6, 1e-2);
        Assert.All(blocks.Skip(1).SkipLast(1), b => Assert.InRange(b.Aligned.RelativeL2Error, 1e-4, 1.0));
        var published = OnnxModelFile.Load(Path.Combine(workspace.Folder, "out", "model.gac.onnx"));
        Assert.Contains(published.Model.Graph.Initializer, t => t.DataType == (int)OnnxDataType.Float16);
    }

    private sealed class MiniLmWorkspace : IDisposable
    {
        public MiniLmWorkspace()
        {
            Folder = Directory.CreateTempSubdirectory("gac-minilm-").FullName;
            File.Copy(MiniLmModel.Path, Path.Combine(Folder, "model.onnx"));
        }

        public string Folder { get; }

        public GacSpec Spec(string method, double ratio, string extra = "", string export = "", string validation = "", string gate = "  min_cosine: 0.5")
        {
            var text = $"""
                version: 1
                model:
                  path: model.onnx
                calibration:
                  samples: 4
                  dims: {"{"} batch: 1, sequence: 32 {"}"}
                compress:
                  method: {method}
                  ratio: {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}
                {extra}
                alignment:
                  strategy: gac
                  profile: generic-8
                export:
                  path: out/model.gac.onnx
                {export}
                validation:
                  provider: cpu
                  warmup: 1
                  iterations: 3
                  heldout_samples: 4
                {validation}
                report:
                  formats: [json]
                gate:
                {gate}
                """;
            var path = Path.Combine(Folder, "gac.yaml");
            File.WriteAllText(path, text);
            return GacSpecLoader.Load(path);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort cleanup of the temp folder.
            }
        }
    }
}
