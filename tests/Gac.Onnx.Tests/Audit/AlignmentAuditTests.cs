using Gac.Core.Audit;
using Gac.Core.Hardware;
using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests.Audit;

public sealed class AlignmentAuditTests
{
    // Four layers whose numbers can be checked by hand against "multiple of 8":
    //   a  64×64          both aligned     params 4,096   FLOPs/token 2·64·64  =  8,192
    //   b  64×100 + bias  N misaligned     params 6,500   FLOPs/token 2·64·100 = 12,800
    //   c 100×64          K misaligned     params 6,400   FLOPs/token          = 12,800
    //   d  30×30          both misaligned  params   900   FLOPs/token 2·30·30  =  1,800
    private static readonly ModelInventory HandModel = new(
        "hand",
        [
            new LinearLayer("a", "a.weight", 64, 64, false),
            new LinearLayer("b", "b.weight", 64, 100, true, LinearRole.MlpUp, "mlp"),
            new LinearLayer("c", "c.weight", 100, 64, false, LinearRole.MlpDown, "mlp"),
            new LinearLayer("d", "d.weight", 30, 30, false),
        ],
        [new LinearGroup("mlp", GroupKind.Mlp, ["b", "c"], 100)]);

    [Fact]
    public void Totals_count_each_layers_K_and_N_and_the_FLOPs_of_GEMMs_with_any_misaligned_dimension()
    {
        var report = AlignmentAudit.Run(HandModel, BuiltInProfiles.Generic8);

        var t = report.Totals;
        Assert.Equal((4, 3, 17_896L), (t.Layers, t.MisalignedLayers, t.LinearParameters));
        Assert.Equal((8, 4, 50.0), (t.Dimensions, t.AlignedDimensions, t.AlignedDimensionPercent));
        Assert.Equal((35_592L, 27_400L), (t.LinearFlopsPerToken, t.MisalignedFlopsPerToken));
        Assert.Equal(100.0 * 27_400 / 35_592, t.MisalignedFlopPercent, precision: 10);
    }

    [Fact]
    public void Each_layer_names_its_misaligned_dimensions()
    {
        var report = AlignmentAudit.Run(HandModel, BuiltInProfiles.Generic8);

        Assert.Equal([[], ["N"], ["K"], ["K", "N"]], report.Layers.Select(l => l.MisalignedDimensions.ToArray()));
        Assert.Equal(("mlp", LinearRole.MlpUp, 64L, 100L), (report.Layers[1].Group, report.Layers[1].Role, report.Layers[1].InFeatures,
            report.Layers[1].OutFeatures));
        Assert.False(Assert.Single(report.Groups).CoupledWidthAligned);
    }

    [Fact]
    public void A_stricter_profile_flags_more_and_an_empty_model_is_fully_aligned()
    {
        Assert.Equal(0, AlignmentAudit.Run(HandModel, BuiltInProfiles.ForMultiple(128)).Totals.AlignedDimensions);
        Assert.Equal(8, AlignmentAudit.Run(HandModel, BuiltInProfiles.ForMultiple(2)).Totals.AlignedDimensions);
        var empty = AlignmentAudit.Run(new ModelInventory("empty", [], []), BuiltInProfiles.Generic8).Totals;
        Assert.Equal((100.0, 0.0), (empty.AlignedDimensionPercent, empty.MisalignedFlopPercent));
    }

    [Fact]
    public void A_generated_model_with_a_misaligned_MLP_width_audits_as_computed_by_hand()
    {
        // Per block: q,k,v,o 64×64 (aligned), gate/up 64×100 (N off), down 100×64 (K off).
        // Dimensions: 8 + 3 of 14 aligned; FLOPs: MLP 3·12,800 of 4·8,192 + 3·12,800.
        var options = new SyntheticTransformerOptions { Hidden = 64, Heads = 4, Intermediate = 100, Blocks = 3 };
        var report = AlignmentAudit.Run(LinearLayerDiscovery.Discover(SyntheticTransformer.Create(options)), BuiltInProfiles.NvidiaAmpereFp16);

        Assert.Equal(21, report.Totals.Layers);
        Assert.Equal(100.0 * 11 / 14, report.Totals.AlignedDimensionPercent, precision: 10);
        Assert.Equal(100.0 * 38_400 / (32_768 + 38_400), report.Totals.MisalignedFlopPercent, precision: 10);
        Assert.All(report.Groups.Where(g => g.Kind == GroupKind.Attention), g => Assert.Equal((4, 16, true), (g.HeadCount, g.HeadDim, g.HeadDimAligned)));
    }
}
