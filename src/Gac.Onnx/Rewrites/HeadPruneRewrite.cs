using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Attention head pruning (GAC-METHOD §1: N of q/k/v and K of o become h'·head_dim): keeps the
/// listed heads, slicing the q, k and v output columns (a fused qkv's N is laid out
/// [q heads | k heads | v heads], 3·h·d) with their biases and the matching input rows of o.
/// Between them the constants that carry the head count follow: a Reshape target ending in
/// [h, d] (or [h, -1]) gets h', one ending in h·d (or 3·h·d) gets h'·d, Split sizes and Slice
/// bounds at multiples of h·d are rescaled. A constant with a head-sized axis (a position bias),
/// grouped-query attention or an unknown head layout is refused with GAC3013. Returns a new model.
/// </summary>
public static class HeadPruneRewrite
{
    /// <param name="data">When given, each group's sliced weights move to it as soon as they are cut (see <see cref="ExternalData.ExternalDataBuilder"/>).</param>
    public static ModelProto Apply(OnnxModelFile model, IReadOnlyList<HeadPruning> prunings, ExternalData.ExternalDataBuilder? data = null, CancellationToken cancellationToken = default)
        => PrunePass.Apply(model, prunings, data, GroupKind.Attention, p => p.Group, Prune, cancellationToken);

    private static void Prune(RewriteGraph graph, LinearGroup group, IReadOnlyList<LinearSite> members, HeadPruning pruning)
    {
        if (group.HeadCount is not { } heads || group.HeadDim is not { } headDim)
        {
            throw graph.Unsupported($"Attention group '{group.Name}': discovery could not tell its heads and head_dim from the graph, so heads cannot be pruned.");
        }

        var kept = PruneSelection.Validate(graph, group.Name, "head", pruning.KeptHeads, heads);
        var width = (long)heads * headDim;
        var fused = members.SingleOrDefault(m => m.Layer.Role == LinearRole.QkvFused);
        var projections = fused is not null ? [fused] : members.Where(m => m.Layer.Role is LinearRole.Query or LinearRole.Key or LinearRole.Value).ToList();
        var output = members.SingleOrDefault(m => m.Layer.Role == LinearRole.AttentionOutput);
        var parts = fused is not null ? 3 : 1;
        if (output is null || output.K != width || (fused is null && projections.Count != 3) || projections.Any(p => p.N != parts * width))
        {
            throw graph.Unsupported(
                $"Attention group '{group.Name}' is not q/k/v (or fused qkv) → o with {heads} heads of {headDim} on every projection "
                + "(grouped-query attention, with fewer k/v heads, is not supported).");
        }

        var keptWidth = kept.Length * headDim;
        foreach (var node in PrunedRegion.Between(graph, projections, output))
        {
            FollowHeads(graph, group.Name, node, heads, width, kept.Length, keptWidth);
        }

        var rows = kept.SelectMany(h => Enumerable.Range(0, headDim).Select(j => h * headDim + j)).ToArray();
        var columns = Enumerable.Range(0, parts).SelectMany(p => rows.Select(r => p * width + r)).ToArray();
        foreach (var projection in projections)
        {
            LayerSlicing.KeepOutputs(graph, projection, columns);
        }

        LayerSlicing.KeepInputs(graph, output, rows);
    }

    private static void FollowHeads(RewriteGraph graph, string group, NodeProto node, long heads, long width, long keptHeads, long keptWidth)
    {
        long? Scale(long? v) => v is { } x && x != 0 && x % width == 0 && x / width <= 3 ? x / width * keptWidth : v;

        switch (node.OpType)
        {
            case "Reshape":
                ShapeOperand.Rewrite(graph, node, 1, s => s switch
                {
                    [.., var h, var d] when h == heads && (d == width / heads || d == -1) => [.. s[..^2], keptHeads, d],
                    [.., var last] when last == width || last == 3 * width => [.. s[..^1], Scale(last)],
                    _ => s,
                });
                break;
            case "Split":
                ShapeOperand.RewriteAttribute(node, "split", s => s.Select(Scale).ToArray());
                if (node.Input.Count > 1 && node.Input[1].Length > 0)
                {
                    ShapeOperand.Rewrite(graph, node, 1, s => s.Select(Scale).ToArray());
                }

                break;
            case "Slice":
                ShapeOperand.RewriteAttribute(node, "starts", s => s.Select(Scale).ToArray());
                ShapeOperand.RewriteAttribute(node, "ends", s => s.Select(Scale).ToArray());
                // Bounds known only at run time (sequence positions) do not depend on the head count.
                for (var i = 1; i <= 2 && i < node.Input.Count; i++)
                {
                    if (ShapeOperand.Read(graph, node.Input[i]) is not null)
                    {
                        ShapeOperand.Rewrite(graph, node, i, s => s.Select(Scale).ToArray());
                        graph.Refresh();
                    }
                }

                break;
            default:
                foreach (var (_, tensor) in PrunedRegion.FloatConstants(graph, node))
                {
                    if (OnnxTensors.ElementCount(tensor.Dims) > 1 && tensor.Dims.Any(d => d == heads || d == width || d == 3 * width))
                    {
                        throw graph.Unsupported(
                            $"Attention group '{group}': constant '{tensor.Name}' [{string.Join(",", tensor.Dims)}] feeds {node.OpType} '{node.Name}' and "
                            + "has an axis the size of the heads; the rewrite cannot slice it.");
                    }
                }

                break;
        }

        graph.Refresh();
    }
}
