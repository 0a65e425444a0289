using Gac.Core.Hardware;
using Gac.Core.Model;

namespace Gac.Core.Audit;

/// <summary>
/// Checks every linear layer's K and N (and each attention group's head_dim) against an alignment
/// profile. Pure: shapes in, report out; no weights, no GPU. A GEMM with any misaligned dimension
/// falls back to slower tensor-core kernels (GAC paper §3: odd K ≈ −58%, K multiple of 8 only ≈ −16%),
/// so its FLOPs count as misaligned in full.
/// </summary>
public static class AlignmentAudit
{
    public static AuditReport Run(ModelInventory inventory, AlignmentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(profile);

        var layers = inventory.Layers.Select(layer => AuditLayer(layer, profile)).ToArray();
        var groups = inventory.Groups.Select(group => AuditGroup(group, profile)).ToArray();

        var dimensions = 2 * layers.Length;
        var aligned = layers.Sum(l => (l.InFeaturesAligned ? 1 : 0) + (l.OutFeaturesAligned ? 1 : 0));
        var flops = layers.Sum(l => l.FlopsPerToken);
        var misalignedFlops = layers.Where(l => !l.IsAligned).Sum(l => l.FlopsPerToken);
        var totals = new AuditTotals(
            Layers: layers.Length,
            MisalignedLayers: layers.Count(l => !l.IsAligned),
            LinearParameters: layers.Sum(l => l.Parameters),
            Dimensions: dimensions,
            AlignedDimensions: aligned,
            // An empty model has nothing misaligned: 100 % aligned, 0 % misaligned FLOPs.
            AlignedDimensionPercent: dimensions == 0 ? 100.0 : 100.0 * aligned / dimensions,
            LinearFlopsPerToken: flops,
            MisalignedFlopsPerToken: misalignedFlops,
            MisalignedFlopPercent: flops == 0 ? 0.0 : 100.0 * misalignedFlops / flops);

        return new AuditReport(inventory.Source, profile.Name, profile.Multiple, profile.HeadDimMultiple, layers, groups, totals);
    }

    private static LayerAudit AuditLayer(LinearLayer layer, AlignmentProfile profile)
    {
        var inAligned = profile.IsAligned(layer.InFeatures);
        var outAligned = profile.IsAligned(layer.OutFeatures);
        var misaligned = new List<string>(2);
        if (!inAligned)
        {
            misaligned.Add("K");
        }

        if (!outAligned)
        {
            misaligned.Add("N");
        }

        return new LayerAudit(
            layer.Name,
            layer.Group,
            layer.Role,
            layer.InFeatures,
            layer.OutFeatures,
            inAligned,
            outAligned,
            layer.Parameters,
            layer.FlopsPerToken)
        {
            MisalignedDimensions = misaligned,
        };
    }

    private static GroupAudit AuditGroup(LinearGroup group, AlignmentProfile profile)
    {
        bool? headDimAligned = group.HeadDim is { } d ? d > 0 && d % profile.HeadDimMultiple == 0 : null;
        return new GroupAudit(
            group.Name,
            group.Kind,
            group.CoupledWidth,
            profile.IsAligned(group.CoupledWidth),
            group.HeadCount,
            group.HeadDim,
            headDimAligned);
    }
}
