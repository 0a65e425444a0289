using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Runs discovery on a rewrite's working graph and ties each <see cref="LinearLayer"/> to its node.
/// Discovery reports layers in graph order, one per MatMul/Gemm that reads an activation and a
/// constant 2-D weight, so walking the nodes with the same test pairs them one to one.
/// </summary>
internal sealed class LinearSites
{
    private readonly Dictionary<string, LinearSite> _byName = new(StringComparer.Ordinal);

    public LinearSites(RewriteGraph graph)
    {
        Inventory = LinearLayerDiscovery.Discover(graph.Model, graph.SourcePath);
        var index = graph.Index;
        var nodes = LinearNodes(graph.Graph, index);
        if (nodes.Count != Inventory.Layers.Count)
        {
            throw new InvalidOperationException($"Discovery found {Inventory.Layers.Count} layers but the graph has {nodes.Count} linear nodes.");
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var layer = Inventory.Layers[i];
            var weight = index.Constant(nodes[i].Input[1])!;
            if (weight.Name != layer.WeightName)
            {
                throw new InvalidOperationException($"Layer '{layer.Name}' pairs with weight '{weight.Name}', expected '{layer.WeightName}'.");
            }

            _byName[layer.Name] = new LinearSite(layer, nodes[i], weight, WeightTensors.SeenType(graph, nodes[i].Input[1]), FindBias(graph, nodes[i], layer));
        }
    }

    public ModelInventory Inventory { get; }

    /// <summary>The nodes discovery counts as linear layers, in graph order: a MatMul/Gemm reading an activation and a constant 2-D weight.</summary>
    internal static List<NodeProto> LinearNodes(GraphProto graph, GraphIndex index)
        => graph.Node.Where(node => node.OpType is "MatMul" or "Gemm" && node.Input.Count >= 2 && node.Output.Count > 0
            && !index.IsConstant(node.Input[0]) && index.Constant(node.Input[1]) is { Dims.Count: 2 }).ToList();

    public LinearSite Layer(string name, RewriteGraph graph)
        => _byName.TryGetValue(name, out var site)
            ? site
            : throw GacException.Create(
                DiagnosticCatalogue.RewriteLayerNotFound,
                $"No linear layer named '{name}' in the model (it has {string.Join(", ", _byName.Keys.Take(8))}{(_byName.Count > 8 ? ", …" : "")}).",
                new SourceLocation(graph.SourcePath));

    public LinearGroup Group(string name, GroupKind kind, RewriteGraph graph)
        => Inventory.Groups.FirstOrDefault(g => g.Name == name && g.Kind == kind)
            ?? throw GacException.Create(
                DiagnosticCatalogue.RewriteLayerNotFound,
                $"No {kind} group named '{name}' in the model (it has {string.Join(", ", Inventory.Groups.Where(g => g.Kind == kind).Select(g => g.Name))}).",
                new SourceLocation(graph.SourcePath));

    private static BiasSite? FindBias(RewriteGraph graph, NodeProto node, LinearLayer layer)
    {
        if (!layer.HasBias)
        {
            return null;
        }

        if (node.OpType == "Gemm")
        {
            return new BiasSite(node, 2);
        }

        // Same pattern discovery accepted: the MatMul's only consumer is an Add with a constant operand.
        var add = graph.Index.Consumers(node.Output[0]).Single(n => n.OpType == "Add");
        return new BiasSite(add, add.Input[0] == node.Output[0] ? 1 : 0);
    }
}
