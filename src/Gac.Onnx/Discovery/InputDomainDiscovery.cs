using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Reads from the graph what each integer input may hold: the kind its name declares (mask, token
/// types, positions, else ids) and the row count of the tables it indexes — a Gather whose indices
/// the input feeds, directly or through casts and reshapes. ONNX Gather fails on an index outside
/// the table (ONNX spec, Gather: indices must be within [−s, s−1]), so the smallest such table bounds
/// every valid id. Works from the graph only; table sizes come from TensorProto.dims.
/// </summary>
public static class InputDomainDiscovery
{
    private const int MaxHops = 64;

    public static InputDomains Discover(ModelProto model)
    {
        var graph = model.Graph ?? new GraphProto();
        var index = new GraphIndex(graph);
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var domains = new List<IntegerInputDomain>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            if (input.Type?.TensorType is not { } tensor || (OnnxDataType)tensor.ElemType is not (OnnxDataType.Int64 or OnnxDataType.Int32))
            {
                continue;
            }

            var (rows, table) = SmallestIndexedTable(index, input.Name);
            domains.Add(new IntegerInputDomain(input.Name, IntegerInputDomain.KindFromName(input.Name), rows, table));
        }

        return new InputDomains(domains);
    }

    /// <summary>Follows the input through value-preserving ops to every Gather it indexes; the smallest table wins.</summary>
    private static (long Rows, string Table) SmallestIndexedTable(GraphIndex index, string input)
    {
        (long Rows, string Table) best = (0, string.Empty);
        var seen = new HashSet<string>(StringComparer.Ordinal) { input };
        var frontier = new Queue<string>([input]);
        while (frontier.Count > 0 && seen.Count < MaxHops)
        {
            var value = frontier.Dequeue();
            foreach (var node in index.Consumers(value))
            {
                if (node.OpType == "Gather" && node.Input.Count == 2 && node.Input[1] == value)
                {
                    if (index.Constant(node.Input[0]) is { Dims.Count: > 0 } table)
                    {
                        var axis = GraphIndex.IntAttribute(node, "axis") ?? 0;
                        var rows = table.Dims[(int)(axis < 0 ? axis + table.Dims.Count : axis)];
                        if (best.Rows == 0 || rows < best.Rows)
                        {
                            best = (rows, table.Name.Length > 0 ? table.Name : node.Input[0]);
                        }
                    }

                    continue;
                }

                // Only ops that pass the values on unchanged (their data operand is input 0).
                if (node.OpType is "Cast" or "Identity" or "Reshape" or "Unsqueeze" or "Squeeze" or "Flatten" or "Expand" or "Transpose" or "Slice"
                    && node.Input[0] == value && node.Output.Count > 0 && seen.Add(node.Output[0]))
                {
                    frontier.Enqueue(node.Output[0]);
                }
            }
        }

        return best;
    }
}
