using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Storage-only 16-bit weights: a float16 or bfloat16 initializer read solely by a Cast to float32 (what
/// Gac.Onnx.Exporters.CheckpointExportOptions.WeightStorage writes for a BF16 / F16 checkpoint). <see cref="Unwrap"/>
/// drops each such Cast and lets its readers read the initializer under its own name, so the graph has
/// exactly the shape of the float32 model it stands for; the initializer keeps its 16-bit bytes, and
/// <see cref="Fp16Conversion"/> converts it as it converts a float32 weight (half → float32 is exact), so a
/// half-stored import gives the artifact a float32 import gives, without a float32 copy of any weight on disk.
/// </summary>
internal static class StorageCasts
{
    /// <summary>A copy of <paramref name="model"/> without its storage Casts, and the names of the initializers they read.</summary>
    public static (ModelProto Model, HashSet<string> Stored) Unwrap(ModelProto model)
    {
        var copy = model.Clone();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        var graph = copy.Graph;
        if (graph is null)
        {
            return (copy, stored);
        }

        var reads = new Dictionary<string, int>(StringComparer.Ordinal);
        var deep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            Count(node, reads, deep, inSubgraph: false);
        }

        // Graph inputs and outputs, and names a subgraph reads, keep their Casts: they are not plain weight reads.
        var inputs = graph.Input.Select(i => i.Name).Concat(graph.Output.Select(o => o.Name)).Concat(deep).ToHashSet(StringComparer.Ordinal);
        var halves = graph.Initializer
            .Where(t => t.DataType is (int)OnnxDataType.Float16 or (int)OnnxDataType.BFloat16
                && !inputs.Contains(t.Name) && reads.GetValueOrDefault(t.Name) == 1)
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node is { OpType: "Cast", Input.Count: 1, Output.Count: 1 } && halves.Contains(node.Input[0]) && !inputs.Contains(node.Output[0])
                && node.Attribute.SingleOrDefault(a => a.Name == "to") is { I: (long)OnnxDataType.Float })
            {
                renamed[node.Output[0]] = node.Input[0];
                stored.Add(node.Input[0]);
                graph.Node.RemoveAt(i);
            }
        }

        foreach (var node in graph.Node)
        {
            Rename(node, renamed);
        }

        return (copy, stored);
    }

    /// <summary>How many main-graph node inputs read each name, and the names If/Loop/Scan bodies read.</summary>
    private static void Count(NodeProto node, Dictionary<string, int> reads, HashSet<string> deep, bool inSubgraph)
    {
        foreach (var input in node.Input.Where(i => i.Length > 0))
        {
            if (inSubgraph)
            {
                deep.Add(input);
            }
            else
            {
                reads[input] = reads.GetValueOrDefault(input) + 1;
            }
        }

        foreach (var body in node.Attribute.SelectMany(a => a.Graphs.Append(a.G)).OfType<GraphProto>())
        {
            foreach (var inner in body.Node)
            {
                Count(inner, reads, deep, inSubgraph: true);
            }

            deep.UnionWith(body.Output.Select(o => o.Name));
        }
    }

    private static void Rename(NodeProto node, Dictionary<string, string> renamed)
    {
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (renamed.TryGetValue(node.Input[i], out var name))
            {
                node.Input[i] = name;
            }
        }
    }
}
