using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class PruneRewriteTests
{
    /// <summary>
    /// Removing zero terms from fp32 dot products of length ≤ 128 changes only the summation order;
    /// the outputs are O(1), so differences stay orders of magnitude below this.
    /// </summary>
    private const double Fp32Tolerance = 1e-5;

    public static TheoryData<WeightStorage, MlpKind> Layouts => new()
    {
        { WeightStorage.Initializers, MlpKind.SwiGlu },
        { WeightStorage.ConstantNodes, MlpKind.Gelu },
        { WeightStorage.GemmTransposed, MlpKind.SwiGlu },
        { WeightStorage.GemmTransposed, MlpKind.Relu },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Keeping_every_channel_and_head_reproduces_the_model_exactly(WeightStorage storage, MlpKind mlp)
    {
        var model = Synthetic(storage, mlp);
        var inventory = LinearLayerDiscovery.Discover(model);

        var channels = ChannelPruneRewrite.Apply(model, inventory.Groups.Where(g => g.Kind == GroupKind.Mlp).Select(g => new ChannelPruning(g.Name,
            Enumerable.Range(0, 40).ToArray())).ToList());
        var heads = HeadPruneRewrite.Apply(model, inventory.Groups.Where(g => g.Kind == GroupKind.Attention).Select(g => new HeadPruning(g.Name, [3, 2, 1, 0]))
            .ToList());

        var input = OrtRunner.Input(3, 2 * 5 * 32);
        var expected = ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 5, 32);
        Assert.Equal(expected, ModelRun.First(channels, SyntheticTransformer.InputName, input, 2, 5, 32));
        Assert.Equal(expected, ModelRun.First(heads, SyntheticTransformer.InputName, input, 2, 5, 32));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Pruning_channels_equals_zeroing_their_down_rows(WeightStorage storage, MlpKind mlp)
    {
        var model = Synthetic(storage, mlp);
        var before = model.Model.ToByteArray();
        var inventory = LinearLayerDiscovery.Discover(model);
        var group = inventory.Groups.First(g => g.Kind == GroupKind.Mlp);
        int[] kept = [0, 3, 4, 9, 17, 18, 25, 31, 38, 39];

        var pruned = ChannelPruneRewrite.Apply(model, [new ChannelPruning(group.Name, kept)]);

        var reference = PruneReference.ZeroChannels(model, group, kept);
        var input = OrtRunner.Input(4, 2 * 5 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(reference, SyntheticTransformer.InputName, input, 2, 5, 32), ModelRun.First(pruned,
            SyntheticTransformer.InputName, input, 2, 5, 32));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal(before, model.Model.ToByteArray());

        var after = LinearLayerDiscovery.Discover(pruned);
        Assert.Equal(kept.Length, after.Groups.Single(g => g.Name == group.Name).CoupledWidth);
        var matrices = mlp == MlpKind.SwiGlu ? 3 : 2;
        var removed = (40 - kept.Length) * (matrices * 32L + (mlp == MlpKind.SwiGlu ? 0 : 1)); // fc1 has a bias per channel
        Assert.Equal(inventory.LinearParameters - removed, after.LinearParameters);
        Assert.Equal(inventory.Layers.Select(l => l.Name), after.Layers.Select(l => l.Name));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Pruning_heads_equals_zeroing_their_v_columns_and_o_rows(WeightStorage storage, MlpKind mlp)
    {
        var model = Synthetic(storage, mlp);
        var before = model.Model.ToByteArray();
        var inventory = LinearLayerDiscovery.Discover(model);
        var group = inventory.Groups.Last(g => g.Kind == GroupKind.Attention);
        int[] kept = [1, 3];

        var pruned = HeadPruneRewrite.Apply(model, [new HeadPruning(group.Name, kept)]);

        var reference = PruneReference.ZeroHeads(model, group, kept);
        var input = OrtRunner.Input(5, 2 * 5 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(reference, SyntheticTransformer.InputName, input, 2, 5, 32), ModelRun.First(pruned,
            SyntheticTransformer.InputName, input, 2, 5, 32));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal(before, model.Model.ToByteArray());

        var after = LinearLayerDiscovery.Discover(pruned);
        var attention = after.Groups.Single(g => g.Name == group.Name);
        Assert.Equal((16L, 2, 8), (attention.CoupledWidth, attention.HeadCount, attention.HeadDim));
        // q, k, v lose 16 columns (+16 bias values each), o loses 16 rows: 4·16·32 + 3·16.
        Assert.Equal(inventory.LinearParameters - (4 * 16 * 32 + 3 * 16), after.LinearParameters);
    }

    [Fact]
    public void A_per_channel_scale_between_the_projections_is_pruned_with_them()
    {
        var model = Synthetic(WeightStorage.Initializers, MlpKind.Relu);
        InsertBefore(model.Model, "blocks.0.mlp/act/Relu", OnnxTensorFactory.Floats("channel.scale", OrtRunner.Input(8, 40), 40));
        var group = LinearLayerDiscovery.Discover(model).Groups.First(g => g.Kind == GroupKind.Mlp);
        int[] kept = [1, 2, 30];

        var pruned = ChannelPruneRewrite.Apply(model, [new ChannelPruning(group.Name, kept)]);

        var input = OrtRunner.Input(9, 5 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(PruneReference.ZeroChannels(model, group, kept), SyntheticTransformer.InputName, input, 1, 5, 32),
            ModelRun.First(pruned, SyntheticTransformer.InputName, input, 1, 5, 32));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal([3L], pruned.Graph.Initializer.Single(t => t.Name == "channel.scale").Dims);
    }

    [Fact]
    public void A_constant_that_is_not_per_channel_is_refused_with_GAC3013()
    {
        var model = Synthetic(WeightStorage.Initializers, MlpKind.Relu);
        InsertBefore(model.Model, "blocks.0.mlp/act/Relu", OnnxTensorFactory.Floats("mixing", new float[40 * 40], 40, 40));
        var group = LinearLayerDiscovery.Discover(model).Groups.First(g => g.Kind == GroupKind.Mlp);

        var error = Assert.Throws<GacException>(() => ChannelPruneRewrite.Apply(model, [new ChannelPruning(group.Name, [0, 1])]));

        Assert.Equal("GAC3013", error.Diagnostics[0].Code);
        Assert.Contains("'mixing' [40,40]", error.Message);
        Assert.Contains(group.Name, error.Message);
    }

    [Theory]
    [InlineData(new int[0], "keeps no heads")]
    [InlineData(new[] { 0, 4 }, "keeps head 4, outside 0..3")]
    [InlineData(new[] { 1, 1 }, "lists a head more than once")]
    public void Invalid_head_lists_are_GAC3012(int[] kept, string message)
    {
        var model = Synthetic(WeightStorage.Initializers, MlpKind.SwiGlu);

        var error = Assert.Throws<GacException>(() => HeadPruneRewrite.Apply(model, [new HeadPruning("blocks.0.attn", kept)]));

        Assert.Equal("GAC3012", error.Diagnostics[0].Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_unknown_group_is_GAC3010()
    {
        var model = Synthetic(WeightStorage.Initializers, MlpKind.SwiGlu);

        var error = Assert.Throws<GacException>(() => ChannelPruneRewrite.Apply(model, [new ChannelPruning("blocks.0.attn", [0])]));

        Assert.Equal("GAC3010", error.Diagnostics[0].Code);
        Assert.Contains("blocks.0.mlp", error.Message);
    }

    private static OnnxModelFile Synthetic(WeightStorage storage, MlpKind mlp)
        => OnnxModelFile.FromModel(
            SyntheticTransformer.Create(new SyntheticTransformerOptions
            {
                Hidden = 32,
                Heads = 4,
                Intermediate = 40,
                Blocks = 2,
                Storage = storage,
                Mlp = mlp,
                MlpBias = mlp != MlpKind.SwiGlu
            }),
            "synthetic.onnx");

    /// <summary>Multiplies the first input of <paramref name="nodeName"/> by <paramref name="constant"/> first.</summary>
    private static void InsertBefore(ModelProto model, string nodeName, TensorProto constant)
    {
        var graph = model.Graph;
        var target = graph.Node.Single(n => n.Name == nodeName);
        graph.Initializer.Add(constant);
        var mul = new NodeProto { Name = constant.Name + "/Mul", OpType = "Mul" };
        mul.Input.Add(target.Input[0]);
        mul.Input.Add(constant.Name);
        mul.Output.Add(constant.Name + "_output");
        target.Input[0] = mul.Output[0];
        graph.Node.Insert(graph.Node.IndexOf(target), mul);
    }
}
