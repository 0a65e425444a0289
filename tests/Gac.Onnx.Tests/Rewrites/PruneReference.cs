using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// Reference models for pruning: the original with the pruned units' weights zeroed. A removed
/// MLP channel contributes nothing exactly when its down (fc2) row is zero; a removed head
/// contributes nothing exactly when its v columns and its o rows are zero (zeroing q/k alone would
/// not do: softmax of zero scores is uniform, not absent).
/// </summary>
internal static class PruneReference
{
    public static ModelProto ZeroChannels(OnnxModelFile model, LinearGroup group, IReadOnlyCollection<int> kept)
    {
        var inventory = LinearLayerDiscovery.Discover(model);
        var down = inventory.Layers.Single(l => l.Group == group.Name && l.Role == LinearRole.MlpDown);
        var w = new LinearWeightReader(model).Weight(down);
        ZeroRows(w, down.OutFeatures, Enumerable.Range(0, (int)group.CoupledWidth).Where(c => !kept.Contains(c)));
        return LowRankRewrite.Apply(model, [], [new DenseWeight(down.Name, w)]);
    }

    public static ModelProto ZeroHeads(OnnxModelFile model, LinearGroup group, IReadOnlyCollection<int> kept)
    {
        var inventory = LinearLayerDiscovery.Discover(model);
        var reader = new LinearWeightReader(model);
        var headDim = group.HeadDim!.Value;
        var width = group.CoupledWidth;
        var pruned = Enumerable.Range(0, group.HeadCount!.Value).Where(h => !kept.Contains(h))
            .SelectMany(h => Enumerable.Range(h * headDim, headDim)).ToList();
        var members = inventory.Layers.Where(l => l.Group == group.Name).ToList();

        var value = members.Single(l => l.Role is LinearRole.Value or LinearRole.QkvFused);
        var vOffset = value.Role == LinearRole.QkvFused ? 2 * width : 0; // fused layout [q | k | v]
        var v = reader.Weight(value);
        for (var k = 0; k < value.InFeatures; k++)
        {
            foreach (var c in pruned)
            {
                v[k * value.OutFeatures + vOffset + c] = 0;
            }
        }

        var output = members.Single(l => l.Role == LinearRole.AttentionOutput);
        var o = reader.Weight(output);
        ZeroRows(o, output.OutFeatures, pruned);
        return LowRankRewrite.Apply(model, [], [new DenseWeight(value.Name, v), new DenseWeight(output.Name, o)]);
    }

    private static void ZeroRows(float[] w, long columns, IEnumerable<int> rows)
    {
        foreach (var r in rows)
        {
            Array.Clear(w, (int)(r * columns), (int)columns);
        }
    }
}
