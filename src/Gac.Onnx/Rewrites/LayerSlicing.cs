namespace Gac.Onnx.Rewrites;

/// <summary>Structured pruning of one layer: keep some output columns of W (and of its bias) or some input rows.</summary>
internal static class LayerSlicing
{
    public static void KeepOutputs(RewriteGraph graph, LinearSite site, IReadOnlyList<long> columns)
    {
        var sliced = Matrix.KeepColumns(site.ReadKn(graph), site.K, site.N, columns);
        var (values, dims) = site.Store(sliced, site.K, columns.Count);
        WeightTensors.Replace(graph, site.Node, 1, values, dims, site.ElementType, ".pruned");
        if (site.Bias is { } bias)
        {
            var tensor = graph.Index.Constant(bias.Value)!;
            var all = graph.ReadFloats(tensor);
            if (all.Length != site.N)
            {
                throw graph.Unsupported($"Layer '{site.Layer.Name}' has a bias of {all.Length} values for {site.N} outputs; only a per-output bias can be " +
                    $"pruned.");
            }

            var biasDims = tensor.Dims.ToArray();
            biasDims[^1] = columns.Count;
            var kept = columns.Select(c => all[c]).ToArray();
            WeightTensors.Replace(graph, bias.Node, bias.InputIndex, kept, biasDims, WeightTensors.SeenType(graph, bias.Value), ".pruned");
        }
    }

    public static void KeepInputs(RewriteGraph graph, LinearSite site, IReadOnlyList<long> rows)
    {
        var sliced = Matrix.KeepRows(site.ReadKn(graph), site.N, rows);
        var (values, dims) = site.Store(sliced, rows.Count, site.N);
        WeightTensors.Replace(graph, site.Node, 1, values, dims, site.ElementType, ".pruned");
    }
}
