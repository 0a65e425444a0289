using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// The nodes a pruned dimension flows through: reachable forward from the producing layers'
/// outputs and backward from the consuming layer's input, in graph order. Every shape constant
/// and per-channel constant that carries the pruned width lives on one of these nodes.
/// </summary>
internal static class PrunedRegion
{
    /// <summary>
    /// The region from the producing layers to the consuming one, less the producers' own bias Adds:
    /// their bias is sliced with the weight, not followed as a per-channel constant.
    /// </summary>
    public static IReadOnlyList<NodeProto> Between(RewriteGraph graph, IReadOnlyList<LinearSite> producers, LinearSite consumer)
    {
        var biasAdds = producers.Select(p => p.Bias?.Node).Where(n => n is { OpType: "Add" }).ToHashSet(ReferenceEqualityComparer.Instance);
        return Between(graph, producers.Select(p => p.Node.Output[0]), consumer.Node).Where(n => !biasAdds.Contains(n)).ToList();
    }

    private static IReadOnlyList<NodeProto> Between(RewriteGraph graph, IEnumerable<string> starts, NodeProto end)
    {
        var index = graph.Index;
        var forward = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var values = new Queue<string>(starts);
        while (values.TryDequeue(out var value))
        {
            foreach (var node in index.Consumers(value))
            {
                if (!ReferenceEquals(node, end) && forward.Add(node))
                {
                    foreach (var output in node.Output)
                    {
                        values.Enqueue(output);
                    }
                }
            }
        }

        var backward = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        values.Enqueue(end.Input[0]);
        while (values.TryDequeue(out var value))
        {
            if (index.Producer(value) is { } node && forward.Contains(node) && backward.Add(node))
            {
                foreach (var input in node.Input.Where(i => i.Length > 0))
                {
                    values.Enqueue(input);
                }
            }
        }

        return graph.Graph.Node.Where(backward.Contains).ToList();
    }

    /// <summary>Float constants a region node reads (per-channel scales, position biases) — never shape integers.</summary>
    public static IEnumerable<(int Input, TensorProto Tensor)> FloatConstants(RewriteGraph graph, NodeProto node)
    {
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (node.Input[i].Length > 0
                && graph.Index.Constant(node.Input[i]) is { DataType: (int)OnnxDataType.Float or (int)OnnxDataType.Float16 or (int)OnnxDataType.Double } tensor)
            {
                yield return (i, tensor);
            }
        }
    }
}
