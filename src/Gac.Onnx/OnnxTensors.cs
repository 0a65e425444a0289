using Gac.Onnx.Ir;

namespace Gac.Onnx;

/// <summary>Finds every tensor that carries data in a model, wherever exporters put it.</summary>
public static class OnnxTensors
{
    /// <summary>
    /// Graph initializers, tensors in node attributes (the <c>value</c> of a Constant node, as
    /// Paddle2ONNX writes weights), the same inside subgraphs (If/Loop/Scan bodies) and functions.
    /// </summary>
    public static IEnumerable<TensorProto> EnumerateAll(ModelProto model)
    {
        if (model.Graph is { } graph)
        {
            foreach (var tensor in InGraph(graph))
            {
                yield return tensor;
            }
        }

        foreach (var function in model.Functions)
        {
            foreach (var tensor in InNodes(function.Node))
            {
                yield return tensor;
            }
        }
    }

    public static IEnumerable<TensorProto> InGraph(GraphProto graph)
    {
        foreach (var initializer in graph.Initializer)
        {
            yield return initializer;
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is { } values)
            {
                yield return values;
            }

            if (sparse.Indices is { } indices)
            {
                yield return indices;
            }
        }

        foreach (var tensor in InNodes(graph.Node))
        {
            yield return tensor;
        }
    }

    private static IEnumerable<TensorProto> InNodes(IEnumerable<NodeProto> nodes)
    {
        foreach (var node in nodes)
        {
            foreach (var attribute in node.Attribute)
            {
                if (attribute.T is { } t)
                {
                    yield return t;
                }

                foreach (var t2 in attribute.Tensors)
                {
                    yield return t2;
                }

                var subgraphs = attribute.G is { } g ? attribute.Graphs.Prepend(g) : attribute.Graphs;
                foreach (var subgraph in subgraphs)
                {
                    foreach (var tensor in InGraph(subgraph))
                    {
                        yield return tensor;
                    }
                }
            }
        }
    }

    /// <summary>Elements in a tensor of these dims (1 for a scalar).</summary>
    public static long ElementCount(IEnumerable<long> dims)
    {
        long count = 1;
        foreach (var d in dims)
        {
            count = checked(count * d);
        }

        return count;
    }
}
