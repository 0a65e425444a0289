using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Moves the weight GEMMs of a float16-weight graph onto float16 arithmetic: every MatMul whose
/// right operand is a float16 weight reads that weight directly and a float16 copy of its
/// activation, and its float16 product is cast back to float32 for whatever follows. Why only the
/// weight MatMuls: they are the GEMMs GAC aligns (fp16 tensor cores want K, N in multiples of 8),
/// and they are where the time goes; everything between them (bias adds, LayerNormalization /
/// RMSNorm, softmax and its accumulation, RoPE cos/sin, residual sums, the attention score and
/// context MatMuls that read no weight) stays float32, so the numerically sensitive parts keep
/// their float32 range. A chain of weight MatMuls (a low-rank pair x·A·B) passes its float16
/// intermediate straight on, so a factored layer runs entirely in float16 with no round trip.
/// </summary>
internal static class Fp16MatMuls
{
    /// <param name="halfWeights">float32 weight value → its float16 value, as the weight pass made them.</param>
    /// <param name="halfActivations">float32 values that already have a float16 twin (float16 graph inputs).</param>
    /// <returns>The number of MatMuls that now compute in float16.</returns>
    public static int Apply(RewriteGraph graph, IReadOnlyDictionary<string, string> halfWeights, Dictionary<string, string> halfActivations,
        ISet<string> inserted)
    {
        var nodes = new List<NodeProto>(graph.Graph.Node.Count * 2);
        var converted = 0;
        foreach (var node in graph.Graph.Node)
        {
            if (node is not { OpType: "MatMul", Input.Count: 2, Output.Count: 1 } || !halfWeights.TryGetValue(node.Input[1], out var weight))
            {
                nodes.Add(node);
                continue;
            }

            var activation = node.Input[0];
            if (!halfActivations.TryGetValue(activation, out var halfActivation))
            {
                halfActivation = graph.FreshName(activation + ".fp16");
                var toHalf = Fp16Conversion.Cast(graph, activation, halfActivation, OnnxDataType.Float16);
                nodes.Add(toHalf);
                inserted.Add(toHalf.Output[0]);
                halfActivations[activation] = halfActivation;
            }

            var product = node.Output[0];
            var halfProduct = graph.FreshName(product + ".fp16");
            node.Input[0] = halfActivation;
            node.Input[1] = weight;
            node.Output[0] = halfProduct;
            nodes.Add(node);
            var back = Fp16Conversion.Cast(graph, halfProduct, product, OnnxDataType.Float);
            nodes.Add(back);
            inserted.Add(product);
            halfActivations[product] = halfProduct;
            converted++;
        }

        graph.Graph.Node.Clear();
        graph.Graph.Node.AddRange(nodes);
        RemoveUnread(graph, inserted);
        graph.Refresh();
        return converted;
    }

    /// <summary>Drops the Casts this conversion added whose result nothing reads any more (a weight's float32 copy, a float16 intermediate's float32
    /// copy).</summary>
    private static void RemoveUnread(RewriteGraph graph, ISet<string> inserted)
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in graph.Graph.Output)
        {
            read.Add(output.Name);
        }

        foreach (var node in graph.Graph.Node)
        {
            Collect(node, read);
        }

        var dead = graph.Graph.Node.Where(n => n.OpType == "Cast" && inserted.Contains(n.Output[0]) && !read.Contains(n.Output[0])).ToList();
        foreach (var node in dead)
        {
            graph.Graph.Node.Remove(node);
        }
    }

    /// <summary>Names a node reads, including those its subgraphs (If, Loop, Scan) read from the outer scope.</summary>
    private static void Collect(NodeProto node, HashSet<string> read)
    {
        read.UnionWith(node.Input);
        foreach (var attribute in node.Attribute)
        {
            foreach (var body in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
            {
                foreach (var inner in body.Node)
                {
                    Collect(inner, read);
                }

                read.UnionWith(body.Output.Select(o => o.Name));
            }
        }
    }
}
