using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class LowRankRewriteTests
{
    /// <summary>fp32 GEMMs with K ≤ 240 reassociated as (X·A)·B: rounding differs by far less than this.</summary>
    private const double Fp32Tolerance = 1e-4;

    [Theory]
    [InlineData(WeightStorage.Initializers)]
    [InlineData(WeightStorage.ConstantNodes)]
    [InlineData(WeightStorage.GemmTransposed)]
    public void A_full_rank_split_of_every_layer_reproduces_the_model(WeightStorage storage)
    {
        var options = new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Blocks = 2, Storage = storage, MlpBias = true };
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(options), "synthetic.onnx");
        var before = model.Model.ToByteArray();
        var inventory = LinearLayerDiscovery.Discover(model);
        var factors = ExactFactors(model, inventory.Layers);

        var rewritten = LowRankRewrite.Apply(model, factors);

        var input = OrtRunner.Input(7, 2 * 5 * 32);
        var expected = ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 5, 32);
        var actual = ModelRun.First(rewritten, SyntheticTransformer.InputName, input, 2, 5, 32);
        Assert.True(ModelRun.MaxAbsDiff(expected, actual) <= Fp32Tolerance, $"max |Δ| = {ModelRun.MaxAbsDiff(expected, actual):E2}");
        Assert.Equal(before, model.Model.ToByteArray());

        var after = LinearLayerDiscovery.Discover(rewritten);
        Assert.Equal(2 * inventory.Layers.Count, after.Layers.Count);
        var expectedParameters = inventory.Layers.Zip(factors, (l, f) => f.Rank * (l.InFeatures + l.OutFeatures) + (l.HasBias ? l.OutFeatures : 0)).Sum();
        Assert.Equal(expectedParameters, after.LinearParameters);
        // The dense weights are gone and the factors are stored where the weights were.
        var tensors = OnnxTensors.EnumerateAll(rewritten).Select(t => t.Name).ToHashSet();
        Assert.DoesNotContain("blocks.0.attn.q_proj.weight", tensors);
        Assert.Contains("blocks.0.attn.q_proj.weight.lr_a", tensors);
        Assert.Equal(storage == WeightStorage.ConstantNodes, rewritten.Graph.Initializer.All(t => !t.Name.Contains(".lr_")));
    }

    [Fact]
    public void Gemm_keeps_alpha_beta_and_its_bias_on_the_second_factor()
    {
        foreach (var transB in new[] { 0L, 1L })
        {
            var (model, w) = GemmModel(transB);
            var layer = LinearLayerDiscovery.Discover(model).Layers.Single();
            var (rank, a, b) = Factorizations.Exact(w, 12, 6, seed: 3);

            var rewritten = LowRankRewrite.Apply(model, [new LowRankFactors(layer.Name, rank, a, b)]);

            var input = OrtRunner.Input(11, 3 * 12);
            var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, "x", input, 3, 12), ModelRun.First(rewritten, "x", input, 3, 12));
            Assert.True(diff <= Fp32Tolerance, $"transB={transB}: max |Δ| = {diff:E2}");
            var second = rewritten.Graph.Node.Single(n => n.OpType == "Gemm");
            Assert.Equal((0.5f, 2f, transB), (second.Attribute.Single(x => x.Name == "alpha").F, second.Attribute.Single(x => x.Name == "beta").F,
                second.Attribute.Single(x => x.Name == "transB").I));
            Assert.Equal("c", second.Input[2]);
            Assert.Equal(["MatMul", "Gemm"], rewritten.Graph.Node.Select(n => n.OpType));
        }
    }

    [Fact]
    public void A_truncated_rank_runs_and_has_r_times_K_plus_N_parameters()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1 }), "m.onnx");
        var gate = LinearLayerDiscovery.Discover(model).Layers.Single(l => l.Name == "blocks.0.mlp.gate_proj");
        var (_, a, b) = Factorizations.Exact(new LinearWeightReader(model).Weight(gate), 64, 128, seed: 5);
        // Keep the first 8 columns of A and rows of B: a rank-8 approximation.
        var a8 = Enumerable.Range(0, 64 * 8).Select(i => a[(i / 8) * 64 + i % 8]).ToArray();
        var b8 = b.Take(8 * 128).ToArray();

        var rewritten = LowRankRewrite.Apply(model, [new LowRankFactors(gate.Name, 8, a8, b8)]);

        var output = ModelRun.First(rewritten, SyntheticTransformer.InputName, OrtRunner.Input(1, 64 * 3), 1, 3, 64);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        var after = LinearLayerDiscovery.Discover(rewritten);
        Assert.Equal(LinearLayerDiscovery.Discover(model).LinearParameters - 64 * 128 + 8 * (64 + 128), after.LinearParameters);
        Assert.Contains(after.Layers, l => (l.InFeatures, l.OutFeatures) == (64, 8));
        Assert.Contains(after.Layers, l => (l.InFeatures, l.OutFeatures) == (8, 128));
    }

    [Fact]
    public void A_dense_replacement_weight_changes_only_that_layer_and_keeps_its_name()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1, Storage = WeightStorage.GemmTransposed }),
            "m.onnx");
        var down = LinearLayerDiscovery.Discover(model).Layers.Single(l => l.Name == "blocks.0.mlp.down_proj");
        var zeros = new float[down.InFeatures * down.OutFeatures];

        var rewritten = OnnxModelFile.FromModel(LowRankRewrite.Apply(model, [], [new DenseWeight(down.Name, zeros)]), "m.onnx");

        Assert.All(new LinearWeightReader(rewritten).Weight(down), v => Assert.Equal(0f, v));
        Assert.Equal(LinearLayerDiscovery.Discover(model).Layers, LinearLayerDiscovery.Discover(rewritten).Layers);
    }

    [Fact]
    public void Unknown_layers_and_factors_of_the_wrong_size_are_diagnostics()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1 }), "m.onnx");

        var unknown = Assert.Throws<GacException>(() => LowRankRewrite.Apply(model, [new LowRankFactors("blocks.9.attn.q_proj", 4, new float[256],
            new float[256])]));
        var wrongSize = Assert.Throws<GacException>(() => LowRankRewrite.Apply(model, [new LowRankFactors("blocks.0.attn.q_proj", 4, new float[255],
            new float[256])]));
        var twice = Assert.Throws<GacException>(() => LowRankRewrite.Apply(model, [new LowRankFactors("blocks.0.attn.q_proj", 4, new float[256],
            new float[256]), new LowRankFactors("blocks.0.attn.q_proj", 4, new float[256], new float[256])]));

        Assert.Equal("GAC3010", unknown.Diagnostics[0].Code);
        Assert.Contains("blocks.9.attn.q_proj", unknown.Message);
        Assert.Equal("GAC3011", wrongSize.Diagnostics[0].Code);
        Assert.Contains("K×r = 64×4", wrongSize.Message);
        Assert.Equal("GAC3010", twice.Diagnostics[0].Code);
    }

    internal static List<LowRankFactors> ExactFactors(OnnxModelFile model, IEnumerable<LinearLayer> layers)
    {
        var reader = new LinearWeightReader(model);
        return layers.Select((layer, i) =>
        {
            var (rank, a, b) = Factorizations.Exact(reader.Weight(layer), layer.InFeatures, layer.OutFeatures, seed: 100 + i);
            return new LowRankFactors(layer.Name, rank, a, b);
        }).ToList();
    }

    /// <summary>Y = 0.5 · X·W + 2 · c with X [batch, 12], W 12×6 stored as [K,N] or (transB = 1) [N,K].</summary>
    private static (OnnxModelFile Model, float[] Kn) GemmModel(long transB)
    {
        var w = OrtRunner.Input(21, 12 * 6);
        var builder = new OnnxGraphBuilder("gemm");
        var x = builder.Input("x", OnnxDataType.Float, "batch", 12);
        var stored = transB == 1 ? Factorizations.Transpose(w, 12, 6) : w;
        var weight = builder.Initializer(OnnxTensorFactory.Floats("w", stored, transB == 1 ? [6, 12] : [12, 6]));
        var c = builder.Initializer(OnnxTensorFactory.Floats("c", OrtRunner.Input(22, 6), 6));
        var y = builder.Node("Gemm", [x, weight, c], "gemm", OnnxAttributes.Float("alpha", 0.5f), OnnxAttributes.Float("beta", 2f), OnnxAttributes.Int("transB",
            transB));
        builder.Output(y, OnnxDataType.Float, "batch", 6);
        return (OnnxModelFile.FromModel(builder.Build(), "gemm.onnx"), w);
    }
}
