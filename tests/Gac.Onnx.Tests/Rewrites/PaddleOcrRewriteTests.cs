using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// Rewrites of a real third-party export: PaddleOCR's PP-OCRv4 recognizer (Paddle2ONNX, opset 9,
/// Constant-node weights, fused qkv 120×360 in 8 heads of 15, Reshape targets built by Concat of
/// Cast int32 constants and a run-time sequence length).
/// </summary>
public sealed class PaddleOcrRewriteTests
{
    /// <summary>Same fp32 bound as the synthetic models; the outputs are softmax probabilities in [0, 1].</summary>
    private const double Fp32Tolerance = 1e-4;

    private static readonly Lazy<(OnnxModelFile Model, float[] Input, float[] Output)> Recognizer = new(() =>
    {
        var model = OnnxModelFile.Load(TestModels.PaddleOcrRecognizer);
        var input = OrtRunner.Input(42, 3 * 48 * 320);
        return (model, input, Run(model.Model, input));
    });

    [Fact]
    public void A_full_rank_split_of_qkv_proj_and_MLP_layers_reproduces_the_recognizer()
    {
        var (model, input, expected) = Recognizer.Value;
        var layers = LinearLayerDiscovery.Discover(model).Layers.Where(l => l.Group is not null).ToList();

        var rewritten = LowRankRewrite.Apply(model, LowRankRewriteTests.ExactFactors(model, layers));

        var diff = ModelRun.MaxAbsDiff(expected, Run(rewritten, input));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal(8, layers.Count);
        Assert.Equal(17, LinearLayerDiscovery.Discover(rewritten).Layers.Count);
        Assert.True(rewritten.Graph.Node.Count(n => n.OpType == "Constant" && n.Output[0].EndsWith(".lr_a", StringComparison.Ordinal)) == 8,
            "factors stored as Constant nodes like the original weights");
    }

    [Fact]
    public void Head_pruning_of_the_fused_qkv_keeps_all_heads_exactly_and_drops_one_like_zeroing_it()
    {
        var (model, input, expected) = Recognizer.Value;
        var groups = LinearLayerDiscovery.Discover(model).Groups.Where(g => g.Kind == GroupKind.Attention).ToList();

        var all = HeadPruneRewrite.Apply(model, groups.Select(g => new HeadPruning(g.Name, Enumerable.Range(0, 8).ToArray())).ToList());
        int[] sevenHeads = [0, 1, 2, 4, 5, 6, 7];
        var seven = HeadPruneRewrite.Apply(model, [new HeadPruning(groups[0].Name, sevenHeads)]);

        Assert.Equal(expected, Run(all, input));
        var reference = Run(PruneReference.ZeroHeads(model, groups[0], sevenHeads), input);
        var diff = ModelRun.MaxAbsDiff(reference, Run(seven, input));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        var attention = LinearLayerDiscovery.Discover(seven).Groups.Single(g => g.Name == groups[0].Name);
        Assert.Equal((105L, 7, 15), (attention.CoupledWidth, attention.HeadCount, attention.HeadDim));
    }

    [Fact]
    public void Channel_pruning_of_an_SVTR_MLP_equals_zeroing_its_fc2_rows()
    {
        var (model, input, _) = Recognizer.Value;
        var group = LinearLayerDiscovery.Discover(model).Groups.First(g => g.Kind == GroupKind.Mlp);
        var kept = Enumerable.Range(0, 240).Where(c => c % 3 != 1).ToArray();

        var pruned = ChannelPruneRewrite.Apply(model, [new ChannelPruning(group.Name, kept)]);

        var diff = ModelRun.MaxAbsDiff(Run(PruneReference.ZeroChannels(model, group, kept), input), Run(pruned, input));
        Assert.True(diff <= Fp32Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal(160, LinearLayerDiscovery.Discover(pruned).Groups.Single(g => g.Name == group.Name).CoupledWidth);
    }

    private static float[] Run(Ir.ModelProto model, float[] input) => ModelRun.First(model, "x", input, 1, 3, 48, 320);
}
