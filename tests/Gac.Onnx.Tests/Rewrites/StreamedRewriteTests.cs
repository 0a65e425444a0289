using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// Rewrites that place each new weight in the variant's data file as it is made (what lets the
/// pipeline compress a model larger than half of RAM) must write the same model as the in-memory
/// rewrites, hold no large tensor in memory once placed, and leave nothing behind when abandoned.
/// </summary>
public sealed class StreamedRewriteTests
{
    private static readonly SyntheticTransformerOptions Options = new() { Hidden = 32, Heads = 4, Intermediate = 48, Blocks = 2 };

    [Fact]
    public void A_streamed_low_rank_rewrite_writes_the_same_weights_and_keeps_none_in_memory()
    {
        using var scratch = new ScratchFolder();
        var source = External(scratch);
        var model = OnnxModelFile.Load(source);
        var factors = LowRankRewriteTests.ExactFactors(model, LinearLayerDiscovery.Discover(model).Layers);
        var inMemory = scratch.File("memory/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(inMemory)!);
        OnnxModelFile.FromModel(LowRankRewrite.Apply(model, factors), model.Path).Save(inMemory,
            OnnxSaveOptions.Default with { ExternalData = ExternalDataPolicy.External });

        var streamed = scratch.File("streamed/model.onnx");
        ModelProto finished;
        using (var data = new ExternalDataBuilder(streamed, OnnxSaveOptions.Default with { ExternalData = ExternalDataPolicy.External }))
        {
            var rewriter = new LowRankRewriter(model, data);
            foreach (var factor in factors)
            {
                rewriter.Split(factor);
            }

            finished = rewriter.Finish();
            data.Commit(OnnxModelFile.FromModel(finished, model.Path));
        }

        // Every factor of at least the external threshold left memory when its layer was split.
        var factorTensors = finished.Graph.Initializer.Where(t => t.Name.Contains(".lr_", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * factors.Count, factorTensors.Count);
        Assert.All(factorTensors.Where(t => OnnxTensors.ElementCount(t.Dims) * 4 >= 1024), t => Assert.True(ExternalDataReference.IsExternal(t)
            && t.RawData.IsEmpty, t.Name));

        var expected = OnnxModelFile.Load(inMemory);
        var actual = OnnxModelFile.Load(streamed);
        Assert.Equal(
            expected.Model.Graph.Initializer.Select(t => (t.Name, Bytes: Convert.ToHexString(expected.ReadTensorBytes(t).Span))),
            actual.Model.Graph.Initializer.Select(t => (t.Name, Bytes: Convert.ToHexString(actual.ReadTensorBytes(t).Span))));
        var input = OrtRunner.Input(5, 2 * 4 * 32);
        Assert.Equal(OrtRunner.Run(inMemory, SyntheticTransformer.InputName, input, 2, 4, 32), OrtRunner.Run(streamed, SyntheticTransformer.InputName, input, 2,
            4, 32));
        Assert.Equal(["model.onnx", "model.onnx.data"], Directory.GetFiles(Path.GetDirectoryName(streamed)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_small_streamed_model_is_written_as_one_file_under_auto()
    {
        using var scratch = new ScratchFolder();
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(Options), scratch.File("source.onnx"));
        var factors = LowRankRewriteTests.ExactFactors(model, LinearLayerDiscovery.Discover(model).Layers.Take(3));
        var target = scratch.File("out/model.onnx");

        using (var data = new ExternalDataBuilder(target))
        {
            var rewriter = new LowRankRewriter(model, data);
            factors.ForEach(rewriter.Split);
            Assert.True(data.Length > 0);
            data.Commit(OnnxModelFile.FromModel(rewriter.Finish(), model.Path));
        }

        Assert.Equal(["model.onnx"], Directory.GetFiles(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
        var written = OnnxModelFile.Load(target);
        Assert.DoesNotContain(OnnxTensors.EnumerateAll(written.Model), ExternalDataReference.IsExternal);
        var input = OrtRunner.Input(6, 4 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 1, 4, 32), OrtRunner.Run(target,
            SyntheticTransformer.InputName, input, 1, 4, 32));
        Assert.True(diff <= 1e-4, $"max |Δ| = {diff:E2}");
    }

    [Fact]
    public void Streamed_pruning_and_fp16_write_the_same_model_as_in_memory()
    {
        using var scratch = new ScratchFolder();
        var model = OnnxModelFile.Load(External(scratch));
        var inventory = LinearLayerDiscovery.Discover(model);
        var channels = inventory.Groups.Where(g => g.Kind == GroupKind.Mlp).Select(g => new ChannelPruning(g.Name, [0, 5, 6, 11, 20, 31, 40, 47])).ToList();
        var heads = inventory.Groups.Where(g => g.Kind == GroupKind.Attention).Select(g => new HeadPruning(g.Name, [0, 2])).ToList();

        var expected = HeadPruneRewrite.Apply(OnnxModelFile.FromModel(ChannelPruneRewrite.Apply(model, channels), model.Path), heads);
        var expectedHalf = Fp16Conversion.Apply(OnnxModelFile.FromModel(expected, model.Path));
        var inMemory = scratch.File("memory/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(inMemory)!);
        OnnxModelFile.FromModel(expectedHalf, model.Path).Save(inMemory);

        var pruned = scratch.File("streamed/pruned.onnx");
        using (var data = new ExternalDataBuilder(pruned))
        {
            // Head pruning reads the MLP weights channel pruning already placed: reads resolve through the builder.
            var afterChannels = ChannelPruneRewrite.Apply(model, channels, data);
            data.Commit(OnnxModelFile.FromModel(HeadPruneRewrite.Apply(OnnxModelFile.FromModel(afterChannels, model.Path), heads, data), model.Path));
        }

        var half = scratch.File("streamed/half.onnx");
        var fp32 = OnnxModelFile.Load(pruned);
        using (var data = new ExternalDataBuilder(half))
        {
            data.Commit(OnnxModelFile.FromModel(Fp16Conversion.Apply(fp32, data: data), pruned));
        }

        var input = OrtRunner.Input(8, 2 * 4 * 32);
        Assert.Equal(OrtRunner.Run(inMemory, SyntheticTransformer.InputName, input, 2, 4, 32), OrtRunner.Run(half, SyntheticTransformer.InputName, input, 2, 4,
            32));
        Assert.Equal(LinearLayerDiscovery.Discover(expected).LinearParameters, LinearLayerDiscovery.Discover(OnnxModelFile.Load(half)).LinearParameters);
    }

    [Fact]
    public void An_abandoned_builder_leaves_the_folder_as_it_was()
    {
        using var scratch = new ScratchFolder();
        var model = OnnxModelFile.Load(External(scratch));
        var folder = Path.GetDirectoryName(model.Path)!;
        var before = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f)!, f => Convert.ToHexString(File.ReadAllBytes(f)));

        // Writing over the model's own name: until Commit nothing visible changes, and without it nothing ever does.
        using (var data = new ExternalDataBuilder(model.Path))
        {
            var rewriter = new LowRankRewriter(model, data);
            LowRankRewriteTests.ExactFactors(model, LinearLayerDiscovery.Discover(model).Layers).ForEach(rewriter.Split);
            Assert.True(data.Length > 0);
            Assert.Equal(before.Keys.Count + 1, Directory.GetFiles(folder).Length);
        }

        Assert.Equal(before, Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f)!, f => Convert.ToHexString(File.ReadAllBytes(f))));
    }

    private static string External(ScratchFolder scratch)
    {
        var source = scratch.File("source/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        SyntheticTransformer.Write(Options with { Storage = WeightStorage.External }, source);
        return source;
    }
}
