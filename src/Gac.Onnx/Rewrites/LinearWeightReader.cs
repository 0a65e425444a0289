using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Reads discovered layers' weights in the logical X·W orientation (W as [K, N] row-major, Gemm
/// transB = 1 storage transposed back) and their biases, for decompositions and test references.
/// Indexes the graph once and reads no weight until asked; the model is not changed.
/// </summary>
public sealed class LinearWeightReader
{
    private readonly OnnxModelFile _model;
    private readonly GraphIndex _index;
    private readonly Dictionary<string, NodeProto> _nodeByWeight = new(StringComparer.Ordinal);

    public LinearWeightReader(OnnxModelFile model)
    {
        _model = model;
        _index = new GraphIndex(model.Model.Graph ?? new GraphProto());
        foreach (var node in _index.Graph.Node.Where(n => n.OpType is "MatMul" or "Gemm" && n.Input.Count >= 2))
        {
            if (_index.Constant(node.Input[1]) is { Dims.Count: 2 } weight)
            {
                _nodeByWeight.TryAdd(weight.Name, node);
            }
        }
    }

    /// <summary>W as [K, N] row-major float32.</summary>
    public float[] Weight(LinearLayer layer)
    {
        var node = Node(layer);
        var stored = _model.ReadFloats(_index.Constant(node.Input[1])!);
        var transposed = node.OpType == "Gemm" && GraphIndex.IntAttribute(node, "transB") == 1;
        return transposed ? Matrix.Transpose(stored, layer.OutFeatures, layer.InFeatures) : stored;
    }

    /// <summary>The bias as [N], or null when the layer has none.</summary>
    public float[]? Bias(LinearLayer layer)
    {
        if (!layer.HasBias)
        {
            return null;
        }

        var node = Node(layer);
        var value = node.OpType == "Gemm"
            ? node.Input[2]
            : _index.Consumers(node.Output[0]).Single(n => n.OpType == "Add").Input.First(i => i != node.Output[0]);
        return _model.ReadFloats(_index.Constant(value)!);
    }

    private NodeProto Node(LinearLayer layer)
        => _nodeByWeight.TryGetValue(layer.WeightName, out var node)
            ? node
            : throw GacException.Create(
                DiagnosticCatalogue.RewriteLayerNotFound,
                $"No MatMul/Gemm reads weight '{layer.WeightName}' of layer '{layer.Name}'.",
                new SourceLocation(_model.Path));
}
