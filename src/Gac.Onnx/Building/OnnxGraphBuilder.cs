using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Building;

/// <summary>
/// Builds a model node by node, in topological order (each node's inputs must exist first).
/// Small and explicit on purpose: tests, exporters and rewrites state the graph they mean.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>IR version 8 goes with opsets up to 17 (ONNX versioning table); ORT 1.31 reads it.</summary>
    private const long DefaultIrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly long _opsetVersion;
    private int _autoName;

    public OnnxGraphBuilder(string graphName, long opsetVersion = 17)
    {
        _graph = new GraphProto { Name = graphName };
        _opsetVersion = opsetVersion;
    }

    public string ProducerName { get; init; } = "Gac.Build";

    public long IrVersion { get; init; } = DefaultIrVersion;

    public string Input(string name, OnnxDataType type, params OnnxDim[] shape)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    public void Output(string name, OnnxDataType type, params OnnxDim[] shape)
    {
        if (!_names.Contains(name))
        {
            throw new ArgumentException($"Output '{name}' is produced by no node.", nameof(name));
        }

        _graph.Output.Add(ValueInfo(name, type, shape));
    }

    /// <summary>Adds a graph initializer; returns its name.</summary>
    public string Initializer(TensorProto tensor)
    {
        Claim(tensor.Name);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a Constant node whose output carries the tensor's name (Paddle2ONNX stores weights so).</summary>
    public string Constant(TensorProto tensor)
    {
        Claim(tensor.Name);
        var node = new NodeProto { Name = tensor.Name + "/Constant", OpType = "Constant" };
        node.Output.Add(tensor.Name);
        node.Attribute.Add(OnnxAttributes.Tensor("value", tensor));
        _graph.Node.Add(node);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output, named "&lt;name&gt;_output"; returns the output name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? name = null, params AttributeProto[] attributes)
        => Node(opType, inputs, 1, name, attributes)[0];

    public IReadOnlyList<string> Node(string opType, IReadOnlyList<string> inputs, int outputCount, string? name, params AttributeProto[] attributes)
    {
        name ??= $"{opType}_{_autoName++}";
        var outputs = new string[outputCount];
        for (var i = 0; i < outputCount; i++)
        {
            outputs[i] = outputCount == 1 ? $"{name}_output" : $"{name}_output_{i}";
        }

        return AddNode(opType, inputs, name, outputs, attributes);
    }

    /// <summary>
    /// Adds a node whose one output has the given name — the plain name a graph output carries
    /// ("logits", "Y") — and returns it.
    /// </summary>
    public string NodeWithOutput(string output, string opType, IReadOnlyList<string> inputs, string? name = null, params AttributeProto[] attributes)
        => AddNode(opType, inputs, name ?? $"{opType}_{_autoName++}", [output], attributes)[0];

    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opsetVersion });
        return model;
    }

    private string[] AddNode(string opType, IReadOnlyList<string> inputs, string name, string[] outputs, AttributeProto[] attributes)
    {
        foreach (var input in inputs)
        {
            if (input.Length > 0 && !_names.Contains(input))
            {
                throw new ArgumentException($"Node '{name}' reads '{input}', which nothing produces yet.", nameof(inputs));
            }
        }

        foreach (var output in outputs)
        {
            Claim(output);
        }

        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        node.Output.AddRange(outputs);
        _graph.Node.Add(node);
        return outputs;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The graph already has a value named '{name}'.", nameof(name));
        }
    }

    private static ValueInfoProto ValueInfo(string name, OnnxDataType type, OnnxDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim.Value is { } v
                ? new TensorShapeProto.Types.Dimension { DimValue = v }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Param ?? "" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}
