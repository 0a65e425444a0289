using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Moves the weight GEMMs of a float16- (or bfloat16-) weight graph onto that type's arithmetic: every MatMul or Gemm
/// (transB 0 or 1, bias C included) whose B operand is a float16 weight — directly, or through a
/// Transpose as a tied lm_head reads the token embedding — reads that weight and a float16 copy
/// of its activation, and its float16 product is cast back to float32 for whatever follows. Why only the
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
        ISet<string> inserted, Fp16ConversionOptions options)
    {
        var nodes = new List<NodeProto>(graph.Graph.Node.Count * 2);
        var transposed = new Dictionary<string, string>(StringComparer.Ordinal);
        var converted = 0;
        foreach (var node in graph.Graph.Node)
        {
            var isGemm = node is { OpType: "Gemm", Input.Count: 2 or 3, Output.Count: 1 };
            if (!(isGemm || node is { OpType: "MatMul", Input.Count: 2, Output.Count: 1 })
                || HalfWeight(graph, node.Input[1], halfWeights, transposed, nodes, inserted, options.Suffix) is not { } weight)
            {
                nodes.Add(node);
                continue;
            }

            node.Input[0] = HalfActivation(graph, node.Input[0], halfActivations, nodes, inserted, options);
            node.Input[1] = weight;
            if (isGemm && node.Input.Count == 3 && node.Input[2].Length > 0)
            {
                // Gemm takes one element type for A, B and C; its bias joins the float16 GEMM (on CUDA
                // cuBLAS adds beta·C in its float32 epilogue before rounding the result once).
                var bias = node.Input[2];
                node.Input[2] = halfWeights.TryGetValue(bias, out var halfBias)
                    ? halfBias
                    : HalfActivation(graph, bias, halfActivations, nodes, inserted, options);
            }

            var product = node.Output[0];
            var halfProduct = graph.FreshName(product + options.Suffix);
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

    /// <summary>
    /// The float16 operand for a weight GEMM's B: the float16 weight itself, or, for a tied lm_head
    /// (logits = h·Eᵀ reading the token embedding E through a Transpose, E also read by the
    /// embedding Gather), a Transpose of the float16 E in front of the GEMM. Null: not a weight.
    /// </summary>
    private static string? HalfWeight(RewriteGraph graph, string operand, IReadOnlyDictionary<string, string> halfWeights,
        Dictionary<string, string> transposed, List<NodeProto> nodes, ISet<string> inserted, string suffix)
    {
        if (halfWeights.TryGetValue(operand, out var weight) || transposed.TryGetValue(operand, out weight))
        {
            return weight;
        }

        if (graph.Index.Producer(operand) is not { OpType: "Transpose", Input.Count: 1 } transpose || !halfWeights.TryGetValue(transpose.Input[0],
            out var source))
        {
            return null;
        }

        var half = new NodeProto { Name = graph.FreshName(transpose.Name + suffix), OpType = "Transpose" };
        half.Input.Add(source);
        half.Output.Add(graph.FreshName(operand + suffix));
        half.Attribute.AddRange(transpose.Attribute.Select(a => a.Clone()));
        nodes.Add(half);
        // The float32 Transpose goes once nothing else reads it.
        inserted.Add(operand);
        transposed[operand] = half.Output[0];
        return half.Output[0];
    }

    /// <summary>The float16 twin of a float32 value, made by a Cast in front of its first float16 reader.</summary>
    private static string HalfActivation(RewriteGraph graph, string value, Dictionary<string, string> halfActivations, List<NodeProto> nodes,
        ISet<string> inserted, Fp16ConversionOptions options)
    {
        if (halfActivations.TryGetValue(value, out var half))
        {
            return half;
        }

        half = graph.FreshName(value + options.Suffix);
        var toHalf = Fp16Conversion.Cast(graph, value, half, options.HalfType);
        nodes.Add(toHalf);
        inserted.Add(toHalf.Output[0]);
        halfActivations[value] = half;
        return half;
    }

    /// <summary>Drops the Casts (and a tied lm_head's float32 Transpose) this conversion made redundant: results nothing reads any more.</summary>
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

        var dead = graph.Graph.Node.Where(n => n.OpType is "Cast" or "Transpose" && inserted.Contains(n.Output[0]) && !read.Contains(n.Output[0])).ToList();
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
