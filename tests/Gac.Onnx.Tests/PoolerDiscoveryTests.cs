using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;

namespace Gac.Onnx.Tests;

/// <summary>
/// BERT's pooler (Hugging Face BertPooler: tanh(dense(hidden_states[:, 0]))) in the forms exporters
/// write the first-token selection: Gather(axis 1, scalar index) — MiniLM's PyTorch 1.10 export, see
/// MiniLmDiscoveryTests — or Slice(axes [1], [0, 1)) then Squeeze.
/// </summary>
public sealed class PoolerDiscoveryTests
{
    [Theory]
    [InlineData("Tanh", LinearRole.Pooler)]
    [InlineData("Relu", LinearRole.Unknown)]
    public void A_dense_layer_on_the_sliced_first_token_followed_by_tanh_is_the_pooler(string activation, LinearRole expected)
    {
        var b = new OnnxGraphBuilder("pooler", 13);
        var hidden = b.Input("hidden", OnnxDataType.Float, "batch", "seq", 8);
        var first = b.Node("Slice", [hidden, b.Initializer(OnnxTensorFactory.Int64Vector("starts", 0)), b.Initializer(OnnxTensorFactory.Int64Vector("ends", 1)),
            b.Initializer(OnnxTensorFactory.Int64Vector("axes", 1))], "first/Slice");
        var squeezed = b.Node("Squeeze", [first, b.Initializer(OnnxTensorFactory.Int64Vector("squeeze_axes", 1))], "first/Squeeze");
        var dense = b.Node("Gemm", [squeezed, b.Initializer(OnnxTensorFactory.Floats("pooler.dense.weight", new float[64], 8, 8)),
            b.Initializer(OnnxTensorFactory.Floats("pooler.dense.bias", new float[8], 8))], "pooler/Gemm", OnnxAttributes.Int("transB", 1));
        var output = b.NodeWithOutput("pooled", activation, [dense]);
        b.Output(output, OnnxDataType.Float, "batch", 8);

        var layer = Assert.Single(LinearLayerDiscovery.Discover(b.Build()).Layers);

        Assert.Equal(("pooler.dense", expected, null), (layer.Name, layer.Role, layer.Group));
    }

    [Fact]
    public void A_dense_layer_on_every_token_is_not_a_pooler()
    {
        var b = new OnnxGraphBuilder("per_token", 13);
        var hidden = b.Input("hidden", OnnxDataType.Float, "batch", "seq", 8);
        var dense = b.Node("MatMul", [hidden, b.Initializer(OnnxTensorFactory.Floats("head.weight", new float[64], 8, 8))], "head/MatMul");
        b.Output(b.NodeWithOutput("out", "Tanh", [dense]), OnnxDataType.Float, "batch", "seq", 8);

        Assert.Equal(LinearRole.Unknown, Assert.Single(LinearLayerDiscovery.Discover(b.Build()).Layers).Role);
    }
}
