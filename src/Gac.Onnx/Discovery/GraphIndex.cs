using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Who produces and who consumes each value of a graph, and which values are constants
/// (initializers or Constant-node outputs). Built from the graph only: constant shapes come from
/// TensorProto.dims, never from weight bytes, so external data is never read. Small int64/int32
/// shape operands are read only when they are stored inline.
/// </summary>
internal sealed class GraphIndex
{
    private static readonly IReadOnlyList<NodeProto> NoNodes = [];
    private static readonly HashSet<string> ShapeReaders = new(StringComparer.Ordinal) { "Shape", "Size" };
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        _graphOutputs.UnionWith(graph.Output.Select(o => o.Name));
        foreach (var initializer in graph.Initializer)
        {
            _constants[initializer.Name] = initializer;
        }

        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }

            if (node.OpType == "Constant" && node.Output.Count == 1
                && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
            {
                _constants[node.Output[0]] = value;
            }
        }
    }

    public GraphProto Graph { get; }

    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    public IReadOnlyList<NodeProto> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : NoNodes;

    /// <summary>
    /// The consumers that read a value's data, leaving out shape-only side branches: PyTorch
    /// (TorchScript and dynamo) and Optimum exports compute each Reshape's target from Shape(x)
    /// through Gather / Unsqueeze / Concat / Slice / Cast, so x has Shape consumers beside the one
    /// that carries its data on.
    /// </summary>
    public IReadOnlyList<NodeProto> DataConsumers(string value)
    {
        var consumers = Consumers(value);
        return consumers.Any(n => IsShapeOnly(n, 0)) ? consumers.Where(n => !IsShapeOnly(n, 0)).ToArray() : consumers;
    }

    /// <summary>
    /// Whether a node only feeds shape computations: it is Shape/Size, or every use of every output
    /// it has is itself shape-only (e.g. Shape(Transpose(x)) reads only x's shape). A node whose
    /// output is a graph output, or unused, reads data as far as we can tell.
    /// </summary>
    private bool IsShapeOnly(NodeProto node, int depth)
    {
        if (ShapeReaders.Contains(node.OpType))
        {
            return true;
        }

        if (depth >= 4 || node.Output.Count == 0 || node.OpType is not ("Cast" or "Identity" or "Transpose" or "Reshape" or "Unsqueeze" or "Squeeze"
            or "Flatten"))
        {
            return false;
        }

        return node.Output.All(o => !_graphOutputs.Contains(o) && Consumers(o) is { Count: > 0 } uses && uses.All(n => IsShapeOnly(n, depth + 1)));
    }

    /// <summary>The constant behind a value, looking through Identity and Cast (exporters insert both in front of weights).</summary>
    public TensorProto? Constant(string value)
    {
        for (var hops = 0; hops < 8; hops++)
        {
            if (_constants.TryGetValue(value, out var tensor))
            {
                return tensor;
            }

            if (Producer(value) is not { OpType: "Identity" or "Cast" } node || node.Input.Count == 0)
            {
                return null;
            }

            value = node.Input[0];
        }

        return null;
    }

    public bool IsConstant(string value) => Constant(value) is not null;

    public static long? IntAttribute(NodeProto node, string name)
        => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : null;

    public static IReadOnlyList<long>? IntsAttribute(NodeProto node, string name)
        => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints;

    /// <summary>
    /// The integer values of a shape-like operand, null entries where only the runtime knows them.
    /// Handles a constant vector, Cast/Identity of one, and Concat of such parts with dynamic
    /// slices of Shape(x) in between — the forms PyTorch and Paddle2ONNX emit for Reshape targets.
    /// </summary>
    public IReadOnlyList<long?>? IntegerVector(string value, int depth = 0)
    {
        if (depth > 8)
        {
            return null;
        }

        if (Constant(value) is { } tensor)
        {
            return InlineIntegers(tensor)?.Select(v => (long?)v).ToArray();
        }

        var node = Producer(value);
        switch (node?.OpType)
        {
            case "Cast" or "Identity":
                return IntegerVector(node.Input[0], depth + 1);
            case "Concat":
                var parts = new List<long?>();
                foreach (var input in node.Input)
                {
                    var part = IntegerVector(input, depth + 1) ?? DynamicPart(input);
                    if (part is null)
                    {
                        return null;
                    }

                    parts.AddRange(part);
                }

                return parts;
            default:
                return null;
        }
    }

    /// <summary>A run-time-only piece of a shape whose length the graph still tells (Slice of known bounds, Shape with start/end, Unsqueeze of a
    /// scalar).</summary>
    private IReadOnlyList<long?>? DynamicPart(string value)
    {
        var node = Producer(value);
        while (node is { OpType: "Cast" or "Identity" })
        {
            node = Producer(node.Input[0]);
        }

        if (node is null)
        {
            return null;
        }

        long? length = node.OpType switch
        {
            "Unsqueeze" => 1,
            // Opset 15 Shape(x, start, end): the dims start … end−1 (non-negative bounds: the rank is not needed).
            "Shape" when IntAttribute(node, "start") is { } s and >= 0 && IntAttribute(node, "end") is { } e && e - s is > 0 and < 16 => e - s,
            "Slice" when IntsAttribute(node, "starts") is [var s] && IntsAttribute(node, "ends") is [var e] && e - s is > 0 and < 16 => e - s,
            "Slice" when node.Input.Count >= 3
                && IntegerVector(node.Input[1]) is [long s] && IntegerVector(node.Input[2]) is [long e] && e - s is > 0 and < 16 => e - s,
            _ => null,
        };
        return length is { } n ? Enumerable.Repeat<long?>(null, (int)n).ToArray() : null;
    }

    private static long[]? InlineIntegers(TensorProto tensor)
    {
        if (tensor.Dims.Count > 1 || (tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External))
        {
            return null;
        }

        return (OnnxDataType)tensor.DataType switch
        {
            OnnxDataType.Int64 when tensor.HasRawData => MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray(),
            OnnxDataType.Int64 => tensor.Int64Data.ToArray(),
            OnnxDataType.Int32 when tensor.HasRawData => MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray().Select(v => (long)v).ToArray(),
            OnnxDataType.Int32 => tensor.Int32Data.Select(v => (long)v).ToArray(),
            _ => null,
        };
    }
}
