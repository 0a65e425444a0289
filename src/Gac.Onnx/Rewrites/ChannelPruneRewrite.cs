using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Structured pruning of MLP channels (GAC-METHOD §1: one coupled width for gate, up and down or
/// fc1 and fc2): keeps the listed intermediate channels, slicing the output columns (and bias) of
/// gate/up or fc1 and the matching input rows of down or fc2. Constants between them that carry
/// the width — the Reshape targets around a 2-D Gemm, per-channel scales — follow; anything else
/// that would see the width change is refused with GAC3013. Weight names stay (a shared weight is
/// copied), so discovery reports the same layers with the new width. Returns a new model.
/// </summary>
public static class ChannelPruneRewrite
{
    /// <param name="data">When given, each group's sliced weights move to it as soon as they are cut (see <see cref="ExternalData.ExternalDataBuilder"/>).</param>
    public static ModelProto Apply(OnnxModelFile model, IReadOnlyList<ChannelPruning> prunings, ExternalData.ExternalDataBuilder? data = null, CancellationToken cancellationToken = default)
        => PrunePass.Apply(model, prunings, data, GroupKind.Mlp, p => p.Group, Prune, cancellationToken);

    private static void Prune(RewriteGraph graph, LinearGroup group, IReadOnlyList<LinearSite> members, ChannelPruning pruning)
    {
        var width = group.CoupledWidth;
        var kept = PruneSelection.Validate(graph, group.Name, "channel", pruning.KeptChannels, width);
        var producers = members.Where(m => m.Layer.Role is LinearRole.MlpGate or LinearRole.MlpUp).ToList();
        var down = members.SingleOrDefault(m => m.Layer.Role == LinearRole.MlpDown);
        if (producers.Count == 0 || down is null || producers.Any(p => p.N != width) || down.K != width)
        {
            throw graph.Unsupported($"MLP group '{group.Name}' is not gate/up → down (or fc1 → fc2) of width {width}; its channels cannot be pruned.");
        }

        foreach (var node in PrunedRegion.Between(graph, producers, down))
        {
            FollowWidth(graph, group.Name, node, width, kept);
        }

        foreach (var producer in producers)
        {
            LayerSlicing.KeepOutputs(graph, producer, kept);
        }

        LayerSlicing.KeepInputs(graph, down, kept);
    }

    private static void FollowWidth(RewriteGraph graph, string group, NodeProto node, long width, long[] kept)
    {
        switch (node.OpType)
        {
            case "Reshape":
                ShapeOperand.Rewrite(graph, node, 1, s => s.Length > 0 && s[^1] == width ? [.. s[..^1], kept.Length] : s);
                graph.Refresh();
                return;
            case "Split" or "Slice" or "Gather" or "Concat" or "Pad" or "Tile" or "Expand" or "Transpose" or "Resize" or "GatherElements" or "ScatterND":
                throw graph.Unsupported(
                    $"MLP group '{group}': {node.OpType} '{node.Name}' sits between the projections; the rewrite cannot tell which axis carries the "
                    + $"{width} channels.");
        }

        foreach (var (input, tensor) in PrunedRegion.FloatConstants(graph, node).ToList())
        {
            if (tensor.Dims.Count == 0 || tensor.Dims.All(d => d == 1))
            {
                continue;
            }

            if (tensor.Dims[^1] != width || tensor.Dims.Take(tensor.Dims.Count - 1).Any(d => d != 1))
            {
                throw graph.Unsupported(
                    $"MLP group '{group}': constant '{tensor.Name}' [{string.Join(",", tensor.Dims)}] feeds {node.OpType} '{node.Name}' between the "
                    + $"projections and is not a per-channel vector of {width}.");
            }

            // A per-channel scale or shift: keep the same channels.
            var values = graph.ReadFloats(tensor);
            var dims = tensor.Dims.ToArray();
            dims[^1] = kept.Length;
            WeightTensors.Replace(graph, node, input, kept.Select(c => values[c]).ToArray(), dims, WeightTensors.SeenType(graph, node.Input[input]), ".pruned");
        }
    }
}
