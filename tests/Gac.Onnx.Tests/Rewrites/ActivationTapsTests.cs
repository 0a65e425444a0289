using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class ActivationTapsTests
{
    [Theory]
    [InlineData(WeightStorage.Initializers, 3)]
    [InlineData(WeightStorage.ConstantNodes, 3)]
    [InlineData(WeightStorage.GemmTransposed, 2)]
    public void Every_layer_input_becomes_an_output_whose_last_axis_is_K(WeightStorage storage, int rank)
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Storage = storage }), "m.onnx");
        var before = model.Model.ToByteArray();
        var layers = LinearLayerDiscovery.Discover(model).Layers;

        var tapped = ActivationTaps.Apply(model, layers.Select(l => l.Name).ToList());

        var input = OrtRunner.Input(14, 2 * 5 * 32);
        var outputs = ModelRun.All(tapped.Model, SyntheticTransformer.InputName, input, 2, 5, 32);
        foreach (var layer in layers)
        {
            var (values, shape) = outputs[tapped.OutputByLayer[layer.Name]];
            Assert.Equal(rank, shape.Length);
            Assert.Equal(layer.InFeatures, shape[^1]);
            Assert.Equal(2 * 5 * layer.InFeatures, values.Length);
        }

        // q, k and v read one activation: one output (a 2-D Gemm flattens its own copy); in block 0 it is the model input itself.
        Assert.Equal(storage != WeightStorage.GemmTransposed, tapped.OutputByLayer["blocks.0.attn.q_proj"] == tapped.OutputByLayer["blocks.0.attn.v_proj"]);
        Assert.Equal(input, outputs[tapped.OutputByLayer["blocks.0.attn.k_proj"]].Values);
        Assert.Equal(ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 5, 32), outputs[SyntheticTransformer.OutputName].Values);
        Assert.Equal(before, model.Model.ToByteArray());
        Assert.Equal(1 + tapped.OutputByLayer.Values.Distinct().Count(), tapped.Model.Graph.Output.Count);
    }

    [Fact]
    public void A_layer_input_that_is_already_a_graph_output_gets_its_own_tap()
    {
        var proto = SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1 });
        var downInput = proto.Graph.Node.Single(n => n.Name == "blocks.0.mlp.down_proj/MatMul").Input[0];
        proto.Graph.Output.Add(new Ir.ValueInfoProto { Name = downInput, Type = proto.Graph.Output[0].Type.Clone() });
        proto.Graph.Output[1].Type.TensorType.Shape = null;
        var model = OnnxModelFile.FromModel(proto, "m.onnx");

        var tapped = ActivationTaps.Apply(model, ["blocks.0.mlp.down_proj"]);

        var tap = tapped.OutputByLayer["blocks.0.mlp.down_proj"];
        Assert.NotEqual(downInput, tap);
        var outputs = ModelRun.All(tapped.Model, SyntheticTransformer.InputName, OrtRunner.Input(15, 3 * 64), 1, 3, 64);
        Assert.Equal(outputs[downInput].Values, outputs[tap].Values);
        Assert.Equal([1, 3, 128], outputs[tap].Shape);
    }
}
