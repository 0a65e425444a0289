using Gac.Onnx.Building;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Stores the float32 weights of a model (initializers and Constant-node tensors of the main graph)
/// as float16, each followed by a Cast back to float32, and returns the new model.
/// Why casts after the weights rather than a whole-graph float16 conversion: ONNX Runtime's CPU
/// provider has no float16 kernels for many operators (Softmax, Erf, LayerNormalization pieces,
/// …), so an all-float16 graph fails to load there, and every exporter's graph would need its own
/// list of operators to keep in float32. With a Cast per weight the arithmetic is unchanged and
/// runs on every provider, ONNX Runtime folds the Casts into float32 constants when it loads the
/// model (constant folding, on by default), and the file halves. The numeric effect is exactly
/// the float16 rounding of each weight (relative 2^-11, IEEE 754 binary16). A GPU provider that
/// wants float16 arithmetic can still take the float16 weights this leaves in the file.
/// </summary>
public static class Fp16Conversion
{
    /// <param name="data">When given, each float16 tensor moves to it as soon as it is made, so a large model is converted one tensor at a time.</param>
    public static ModelProto Apply(OnnxModelFile model, Fp16ConversionOptions? options = null, ExternalData.ExternalDataBuilder? data = null)
    {
        options ??= Fp16ConversionOptions.Default;
        var graph = new RewriteGraph(model, data);
        var casts = new List<NodeProto>();
        var graphInputs = graph.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < graph.Graph.Initializer.Count; i++)
        {
            var tensor = graph.Graph.Initializer[i];
            // An initializer that is also a graph input can be overridden by the caller in float32.
            if (Convertible(tensor, options) && !graphInputs.Contains(tensor.Name))
            {
                var halfName = graph.FreshName(tensor.Name + ".fp16");
                graph.Graph.Initializer[i] = WeightTensors.Float16(halfName, graph.ReadFloats(tensor), [.. tensor.Dims]);
                data?.Place(graph.Graph.Initializer[i]);
                casts.Add(Cast(graph, halfName, tensor.Name, OnnxDataType.Float));
            }
        }

        foreach (var node in graph.Graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1).ToList())
        {
            if (node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } tensor } attribute && Convertible(tensor, options))
            {
                var original = node.Output[0];
                attribute.T = WeightTensors.Float16(tensor.Name, graph.ReadFloats(tensor), [.. tensor.Dims]);
                node.Output[0] = graph.FreshName(original + ".fp16");
                graph.Graph.Node.Insert(graph.Graph.Node.IndexOf(node) + 1, Cast(graph, node.Output[0], original, OnnxDataType.Float));
            }
        }

        for (var i = casts.Count - 1; i >= 0; i--)
        {
            graph.Graph.Node.Insert(0, casts[i]);
        }

        if (options.Float16InputsOutputs)
        {
            Float16Boundary(graph);
        }

        return graph.Model;
    }

    private static bool Convertible(TensorProto tensor, Fp16ConversionOptions options)
        => tensor.DataType == (int)OnnxDataType.Float && OnnxTensors.ElementCount(tensor.Dims) >= options.MinimumElements;

    /// <summary>float16 graph inputs cast to float32 on entry; float32 results cast to float16 on exit.</summary>
    private static void Float16Boundary(RewriteGraph graph)
    {
        var entry = new List<NodeProto>();
        foreach (var input in graph.Graph.Input.Where(IsFloat32))
        {
            var inside = graph.FreshName(input.Name + ".fp32");
            foreach (var node in graph.Graph.Node)
            {
                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == input.Name)
                    {
                        node.Input[i] = inside;
                    }
                }
            }

            input.Type.TensorType.ElemType = (int)OnnxDataType.Float16;
            entry.Add(Cast(graph, input.Name, inside, OnnxDataType.Float));
        }

        for (var i = entry.Count - 1; i >= 0; i--)
        {
            graph.Graph.Node.Insert(0, entry[i]);
        }

        graph.Refresh();
        foreach (var output in graph.Graph.Output.Where(IsFloat32))
        {
            if (graph.Index.Producer(output.Name) is not { } producer)
            {
                continue;
            }

            var inside = graph.FreshName(output.Name + ".fp32");
            producer.Output[producer.Output.IndexOf(output.Name)] = inside;
            foreach (var node in graph.Graph.Node)
            {
                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == output.Name)
                    {
                        node.Input[i] = inside;
                    }
                }
            }

            output.Type.TensorType.ElemType = (int)OnnxDataType.Float16;
            graph.Graph.Node.Add(Cast(graph, inside, output.Name, OnnxDataType.Float16));
        }
    }

    private static bool IsFloat32(ValueInfoProto value) => value.Type?.TensorType is { ElemType: (int)OnnxDataType.Float };

    private static NodeProto Cast(RewriteGraph graph, string from, string to, OnnxDataType type)
    {
        var node = new NodeProto { Name = graph.FreshName(to + "/Cast"), OpType = "Cast" };
        node.Input.Add(from);
        node.Output.Add(to);
        node.Attribute.Add(OnnxAttributes.Int("to", (long)type));
        return node;
    }
}
