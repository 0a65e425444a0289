using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Makes a bfloat16-compute graph (<see cref="Fp16Conversion"/> with <see cref="Fp16ConversionOptions.BFloat16"/>)
/// runnable on ONNX Runtime's CPU provider, which has Cast to and from bfloat16 but no bfloat16
/// MatMul or Gemm: every node that reads a bfloat16 value (other than a Cast) reads float32 copies
/// of its operands (exact: bfloat16 ⊂ float32), computes in float32, and its results are rounded back
/// to bfloat16 (round to nearest even) by a Cast. This is an emulation, not the CUDA kernel: it
/// reproduces what cuBLAS does with bfloat16 operands and float32 compute — exact products, float32
/// accumulation, one rounding of the result — but not its summation order or its split-K
/// reductions, so it stands for fidelity (how much bfloat16 storage and rounding cost), never for
/// latency. The weights stay bfloat16 in the graph, read by the same Casts; nothing is widened on disk.
/// </summary>
public static class Bf16Emulation
{
    /// <summary>Ops whose outputs have their first input's element type, so rounding the float32 result back is the op's own bfloat16 result.</summary>
    private static readonly HashSet<string> TypePreserving = new(StringComparer.Ordinal)
    {
        "MatMul", "Gemm", "Transpose", "Reshape", "Identity", "Squeeze", "Unsqueeze", "Add", "Mul", "Sub", "Div", "Flatten",
    };

    /// <returns>The emulating model, and how many nodes it wraps (0: the model computes nothing in bfloat16).</returns>
    public static (ModelProto Model, int Wrapped) Apply(OnnxModelFile model)
    {
        var graph = new RewriteGraph(model);
        var bfloat = BFloat16Values(graph.Graph);
        var nodes = new List<NodeProto>(graph.Graph.Node.Count * 2);
        var wrapped = 0;
        foreach (var node in graph.Graph.Node)
        {
            if (node.OpType == "Cast" || !node.Input.Any(bfloat.Contains))
            {
                nodes.Add(node);
                continue;
            }

            if (!TypePreserving.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx"))
            {
                throw new InvalidOperationException($"Node '{node.Name}' ({node.OpType}) reads a bfloat16 value; the emulation knows only {string.Join(", ",
                    TypePreserving)}.");
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                if (bfloat.Contains(node.Input[i]))
                {
                    var wide = graph.FreshName(node.Input[i] + ".emulated.fp32");
                    nodes.Add(Fp16Conversion.Cast(graph, node.Input[i], wide, OnnxDataType.Float));
                    node.Input[i] = wide;
                }
            }

            nodes.Add(node);
            for (var o = 0; o < node.Output.Count; o++)
            {
                var result = node.Output[o];
                node.Output[o] = graph.FreshName(result + ".emulated.fp32");
                nodes.Add(Fp16Conversion.Cast(graph, node.Output[o], result, OnnxDataType.BFloat16));
            }

            wrapped++;
        }

        graph.Graph.Node.Clear();
        graph.Graph.Node.AddRange(nodes);
        return (graph.Model, wrapped);
    }

    /// <summary>
    /// Values that hold bfloat16: inputs, initializers and Constants of that type, Cast-to-bfloat16 results,
    /// and what type-preserving ops make of them.
    /// </summary>
    private static HashSet<string> BFloat16Values(GraphProto graph)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        values.UnionWith(graph.Input.Where(i => i.Type?.TensorType is { ElemType: (int)OnnxDataType.BFloat16 }).Select(i => i.Name));
        values.UnionWith(graph.Initializer.Where(t => t.DataType == (int)OnnxDataType.BFloat16).Select(t => t.Name));
        foreach (var node in graph.Node)
        {
            var made = node.OpType switch
            {
                "Constant" => node.Attribute.Any(a => a.Name == "value" && a.T is { DataType: (int)OnnxDataType.BFloat16 }),
                "Cast" => node.Attribute.Any(a => a.Name == "to" && a.I == (long)OnnxDataType.BFloat16),
                _ => TypePreserving.Contains(node.OpType) && node.Input.Count > 0 && values.Contains(node.Input[0]),
            };
            if (made)
            {
                values.UnionWith(node.Output);
            }
        }

        return values;
    }
}
