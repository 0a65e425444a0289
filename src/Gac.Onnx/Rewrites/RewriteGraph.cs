using Gac.Core.Diagnostics;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// The working copy a rewrite edits: a clone of the source model (the source is never touched),
/// fresh names, constants stored the way the model already stores them, node insertion in
/// topological position, and removal of the weights a rewrite leaves unused. Weight bytes are read
/// through the source file, so tensors still stored as external data resolve against its folder.
/// </summary>
internal sealed class RewriteGraph
{
    private readonly OnnxModelFile _source;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _retired = [];

    private readonly ExternalData.ExternalDataBuilder? _data;

    /// <param name="data">Where earlier steps of a streamed rewrite placed weights; reads resolve there first.</param>
    public RewriteGraph(OnnxModelFile source, ExternalData.ExternalDataBuilder? data = null)
    {
        _source = source;
        _data = data;
        Model = source.Model.Clone();
        Model.Graph ??= new GraphProto();
        foreach (var node in Graph.Node)
        {
            _names.Add(node.Name);
            _names.UnionWith(node.Output);
        }

        _names.UnionWith(Graph.Initializer.Select(t => t.Name));
        _names.UnionWith(Graph.Input.Select(v => v.Name));
        Refresh();
    }

    public ModelProto Model { get; }

    public GraphProto Graph => Model.Graph;

    public string SourcePath => _source.Path;

    /// <summary>The index of the graph as it is now; call <see cref="Refresh"/> after editing.</summary>
    public GraphIndex Index { get; private set; } = null!;

    public void Refresh() => Index = new GraphIndex(Graph);

    public float[] ReadFloats(TensorProto tensor) => _source.ReadFloats(_data?.Resolve(tensor) ?? tensor);

    /// <summary>The tensor's stored bytes (raw data, or read from its data file).</summary>
    public ReadOnlyMemory<byte> ReadBytes(TensorProto tensor) => _source.ReadTensorBytes(_data?.Resolve(tensor) ?? tensor);

    /// <summary><paramref name="preferred"/>, or it with a numeric suffix when the graph already uses the name.</summary>
    public string FreshName(string preferred)
    {
        var name = preferred;
        for (var i = 2; !_names.Add(name); i++)
        {
            name = $"{preferred}_{i}";
        }

        return name;
    }

    /// <summary>Whether a value is stored as a Constant node (Paddle2ONNX) rather than an initializer.</summary>
    public bool IsConstantNode(string value) => Index.Producer(value) is { OpType: "Constant" };

    /// <summary>
    /// Adds a constant carrying <paramref name="tensor"/> (its name must be fresh): a Constant node
    /// inserted before <paramref name="before"/> when <paramref name="asConstantNode"/>, else an
    /// initializer. Returns the value name.
    /// </summary>
    public string AddConstant(TensorProto tensor, bool asConstantNode, NodeProto before)
    {
        if (!asConstantNode)
        {
            Graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        var node = new NodeProto { Name = FreshName(tensor.Name + "/Constant"), OpType = "Constant" };
        node.Output.Add(tensor.Name);
        node.Attribute.Add(OnnxAttributes.Tensor("value", tensor));
        InsertBefore(before, [node]);
        return tensor.Name;
    }

    public void InsertBefore(NodeProto anchor, IEnumerable<NodeProto> nodes)
    {
        var position = PositionOf(anchor);
        foreach (var node in nodes)
        {
            Graph.Node.Insert(position++, node);
        }
    }

    /// <summary>Puts <paramref name="replacements"/> where <paramref name="node"/> was.</summary>
    public void Replace(NodeProto node, IEnumerable<NodeProto> replacements)
    {
        InsertBefore(node, replacements);
        Graph.Node.RemoveAt(PositionOf(node));
    }

    /// <summary>Swaps the tensor stored under a constant value for <paramref name="fresh"/> (same value name, new data).</summary>
    public void SetConstant(string value, TensorProto fresh)
    {
        var stored = Index.Constant(value) ?? throw new InvalidOperationException($"'{value}' is not a constant.");
        for (var i = 0; i < Graph.Initializer.Count; i++)
        {
            if (ReferenceEquals(Graph.Initializer[i], stored))
            {
                Graph.Initializer[i] = fresh;
                return;
            }
        }

        foreach (var node in Graph.Node.Where(n => n.OpType == "Constant"))
        {
            foreach (var attribute in node.Attribute.Where(a => ReferenceEquals(a.T, stored)))
            {
                attribute.T = fresh;
                return;
            }
        }

        throw new InvalidOperationException($"Constant '{value}' is stored nowhere the rewrite can replace it.");
    }

    /// <summary>
    /// True when the value and every Identity/Cast between it and its constant feed exactly one
    /// node and nothing else (no graph output, no subgraph): the data can then change in place.
    /// </summary>
    public bool IsExclusive(string value)
    {
        var outer = SubgraphReferences();
        var graphOutputs = Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        for (var hops = 0; hops < 8; hops++)
        {
            if (Index.Consumers(value).Count != 1 || outer.Contains(value) || graphOutputs.Contains(value))
            {
                return false;
            }

            if (Index.Producer(value) is not { OpType: "Identity" or "Cast" } link)
            {
                return true;
            }

            value = link.Input[0];
        }

        return false;
    }

    /// <summary>Remembers a value a rewrite stopped using; <see cref="RemoveUnused"/> deletes it if nothing else does.</summary>
    public void Retire(string value) => _retired.Add(value);

    /// <summary>
    /// Deletes retired constants (and the Identity/Cast chains in front of them) that no node,
    /// subgraph or graph output reads any more, then returns the model.
    /// </summary>
    public ModelProto Finish()
    {
        RemoveUnused();
        return Model;
    }

    private void RemoveUnused()
    {
        Refresh();
        var outer = SubgraphReferences();
        var graphOutputs = Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var pending = new Queue<string>(_retired);
        _retired.Clear();
        while (pending.TryDequeue(out var value))
        {
            if (Index.Consumers(value).Count > 0 || outer.Contains(value) || graphOutputs.Contains(value))
            {
                continue;
            }

            var producer = Index.Producer(value);
            if (producer is { OpType: "Constant" or "Identity" or "Cast" } && producer.Output.Count == 1)
            {
                Graph.Node.RemoveAt(PositionOf(producer));
                if (producer.OpType != "Constant")
                {
                    pending.Enqueue(producer.Input[0]);
                }
            }
            else if (producer is null)
            {
                RemoveInitializer(value);
            }

            Refresh();
        }
    }

    private void RemoveInitializer(string value)
    {
        for (var i = Graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (Graph.Initializer[i].Name == value)
            {
                Graph.Initializer.RemoveAt(i);
            }
        }

        // IR < 4 models also list initializers as graph inputs; a stale one would be a required input.
        for (var i = Graph.Input.Count - 1; i >= 0; i--)
        {
            if (Graph.Input[i].Name == value)
            {
                Graph.Input.RemoveAt(i);
            }
        }
    }

    /// <summary>Outer values read by If/Loop/Scan bodies; GraphIndex does not see those uses.</summary>
    private HashSet<string> SubgraphReferences()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                var subgraphs = attribute.G is { } g ? attribute.Graphs.Prepend(g) : attribute.Graphs;
                foreach (var subgraph in subgraphs)
                {
                    Collect(subgraph, names);
                }
            }
        }

        return names;

        static void Collect(GraphProto graph, HashSet<string> names)
        {
            foreach (var node in graph.Node)
            {
                names.UnionWith(node.Input);
                foreach (var attribute in node.Attribute)
                {
                    var subgraphs = attribute.G is { } g ? attribute.Graphs.Prepend(g) : attribute.Graphs;
                    foreach (var subgraph in subgraphs)
                    {
                        Collect(subgraph, names);
                    }
                }
            }
        }
    }

    private int PositionOf(NodeProto node)
    {
        for (var i = 0; i < Graph.Node.Count; i++)
        {
            if (ReferenceEquals(Graph.Node[i], node))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Node '{node.Name}' is not in the graph.");
    }

    public GacException Unsupported(string message)
        => GacException.Create(DiagnosticCatalogue.RewriteStructureUnsupported, message, new SourceLocation(SourcePath));
}
