using Gac.Core.Model;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Discovery;
using Gac.Onnx.Exporters;

namespace Gac.Onnx.Tests.Exporters;

public sealed class CheckpointExporterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(TinyCheckpoints.All), MemberType = typeof(TinyCheckpoints))]
    public void Discovery_on_the_export_finds_the_linear_layers_that_config_json_alone_predicts(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));

        var discovered = LinearLayerDiscovery.Discover(model, name);
        var predicted = ArchitectureShapes.FromConfig(config);

        // Every block layer has the HF module name and [in, out] shape; the untied LM head is found too.
        var inBlocks = discovered.Layers.Where(l => l.Name != "lm_head").ToList();
        Assert.Equal(
            predicted.Layers.Select(l => (l.Name, l.WeightName, l.InFeatures, l.OutFeatures, l.HasBias)),
            inBlocks.Select(l => (l.Name, l.WeightName, l.InFeatures, l.OutFeatures, l.HasBias)));
        Assert.Equal(config.TieWordEmbeddings ? 0 : 1, discovered.Layers.Count(l => l.Name == "lm_head"));
        Assert.Equal(predicted.Layers.Select(l => l.Role), inBlocks.Select(l => l.Role));
    }

    [Theory]
    [MemberData(nameof(TinyCheckpoints.All), MemberType = typeof(TinyCheckpoints))]
    public void Discovery_groups_each_block_s_attention_and_mlp_as_config_json_predicts(string name, string json)
    {
        // Attention through RoPE (x·cos + rotate_half(x)·sin) and GQA's Expand, heads from the Reshape constants.
        var config = TinyCheckpoints.Config(json);
        var discovered = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config)), name);
        var predicted = ArchitectureShapes.FromConfig(config);

        Assert.Equal(predicted.Groups.OrderBy(g => g.Name, StringComparer.Ordinal), discovered.Groups.OrderBy(g => g.Name, StringComparer.Ordinal),
            new GroupComparer());
    }

    [Fact]
    public void Gpt2_attention_is_found_as_a_fused_qkv_group_with_heads_from_the_reshape()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Gpt2);
        var discovered = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config)));

        var attention = discovered.Groups.Where(g => g.Kind == GroupKind.Attention).ToList();
        Assert.Equal(ArchitectureShapes.FromConfig(config).Groups.Where(g => g.Kind == GroupKind.Attention), attention, new GroupComparer());
        Assert.All(attention, g => Assert.Equal((4, 8), (g.HeadCount, g.HeadDim)));
    }

    [Fact]
    public void Gpt2_checkpoints_saved_with_the_transformer_prefix_export_with_those_names()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Gpt2);
        var discovered = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config, prefix: "transformer.")));

        Assert.Contains(discovered.Layers, l => l.Name == "transformer.h.1.mlp.c_fc" && l.InFeatures == 32 && l.OutFeatures == 128);
    }

    [Theory]
    [MemberData(nameof(TinyCheckpoints.All), MemberType = typeof(TinyCheckpoints))]
    public void Logits_of_a_prefix_do_not_depend_on_later_tokens(string name, string json)
    {
        // The causal mask: position t sees tokens 0..t only (tolerance: fp32 summation order, 1e-5).
        var config = TinyCheckpoints.Config(json);
        var path = Path.Combine(_folder, name + ".onnx");
        CheckpointExporter.Export(config, TinyCheckpoints.Create(config), path, new CheckpointExportOptions { FlushToDisk = false });
        var ids = TinyCheckpoints.TokenIds(9, config.VocabSize, seed: 3);

        var full = LogitsRunner.Run(path, ids, 1, 9);
        var prefix = LogitsRunner.Run(path, ids[..4], 1, 4);

        Assert.Equal(9 * config.VocabSize, full.Length);
        for (var i = 0; i < prefix.Length; i++)
        {
            Assert.True(Math.Abs(prefix[i] - full[i]) <= 1e-5, $"{name}: logit {i}: {prefix[i]} vs {full[i]}");
        }
    }

    [Fact]
    public void A_model_over_the_single_file_limit_streams_its_weights_to_external_data_with_the_same_logits()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        var weights = TinyCheckpoints.Create(config);
        var inline = Path.Combine(_folder, "inline.onnx");
        var external = Path.Combine(_folder, "external.onnx");

        var first = CheckpointExporter.Export(config, weights, inline, new CheckpointExportOptions { FlushToDisk = false });
        var second = CheckpointExporter.Export(config, weights, external, new CheckpointExportOptions { FlushToDisk = false, SingleFileLimitBytes = 1024 });

        Assert.Null(first.DataPath);
        Assert.Equal(external + ".data", second.DataPath);
        Assert.True(new FileInfo(external).Length < 64 * 1024, "only the graph and small tensors stay in the .onnx file");
        Assert.True(new FileInfo(second.DataPath!).Length > new FileInfo(external).Length);
        var ids = TinyCheckpoints.TokenIds(12, config.VocabSize, seed: 5);
        Assert.Equal(LogitsRunner.Run(inline, ids, 2, 6), LogitsRunner.Run(external, ids, 2, 6));
        Assert.Equal(first.Parameters, second.Parameters);
    }

    [Fact]
    public void Float16_weights_keep_the_logits_within_half_precision_rounding()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Gpt2);
        var weights = TinyCheckpoints.Create(config);
        var fp32 = Path.Combine(_folder, "fp32.onnx");
        var fp16 = Path.Combine(_folder, "fp16.onnx");
        CheckpointExporter.Export(config, weights, fp32, new CheckpointExportOptions { FlushToDisk = false });
        CheckpointExporter.Export(config, weights, fp16, new CheckpointExportOptions { FlushToDisk = false, Float16Weights = true });
        var ids = TinyCheckpoints.TokenIds(8, config.VocabSize, seed: 9);

        var a = LogitsRunner.Run(fp32, ids, 1, 8);
        var b = LogitsRunner.Run(fp16, ids, 1, 8);

        // Weights rounded to 2^-11 relative; through two blocks the logits (|x| ~ 5) move by well under 0.05.
        Assert.True(new FileInfo(fp16).Length < 0.6 * new FileInfo(fp32).Length);
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void A_checkpoint_whose_tensor_disagrees_with_config_json_is_GAC1207()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        var weights = TinyCheckpoints.Create(config with { IntermediateSize = 40 });

        var error = Assert.Throws<Gac.Core.Diagnostics.GacException>(() => CheckpointExporter.BuildInMemory(config, weights));

        Assert.Equal("GAC1207", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    private sealed class GroupComparer : IEqualityComparer<LinearGroup>
    {
        public bool Equals(LinearGroup? x, LinearGroup? y)
            => x is not null && y is not null && x.Name == y.Name && x.Kind == y.Kind && x.Members.SequenceEqual(y.Members)
                && x.CoupledWidth == y.CoupledWidth && x.HeadCount == y.HeadCount && x.HeadDim == y.HeadDim;

        public int GetHashCode(LinearGroup obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
