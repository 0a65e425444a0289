using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class ExternalDataRewriteTests
{
    [Fact]
    public void A_rewrite_of_an_external_data_model_saves_elsewhere_with_its_untouched_weights()
    {
        using var scratch = new ScratchFolder();
        var options = new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Storage = WeightStorage.External };
        var source = scratch.File("source/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        SyntheticTransformer.Write(options, source);
        var model = OnnxModelFile.Load(source);
        var q = LinearLayerDiscovery.Discover(model).Layers.Single(l => l.Name == "blocks.1.attn.q_proj");

        var rewritten = LowRankRewrite.Apply(model, LowRankRewriteTests.ExactFactors(model, [q]));
        var target = scratch.File("target/model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        OnnxModelFile.FromModel(rewritten, model.Path).Save(target);

        var input = OrtRunner.Input(17, 4 * 32);
        var expected = OrtRunner.Run(source, SyntheticTransformer.InputName, input, 1, 4, 32);
        var actual = OrtRunner.Run(target, SyntheticTransformer.InputName, input, 1, 4, 32);
        // Same fp32 bound as the in-memory full-rank splits.
        Assert.True(ModelRun.MaxAbsDiff(expected, actual) <= 1e-4);
    }
}
