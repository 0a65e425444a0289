using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// export.dtype fp16 computes the weight MatMuls in float16 and nothing else: the element type of
/// every value is traced through the graph (ONNX Cast semantics, an operator's output takes its
/// inputs' type), independently of how the conversion builds it.
/// </summary>
public sealed class Fp16ComputeTests
{
    /// <summary>
    /// float16 rounding of weights and of each MatMul's activation and product (each relative
    /// 2^-11 ≈ 4.9e-4) through two residual blocks of 32–48-wide dot products on O(1) values:
    /// measured 1.2e-3 on these synthetic transformers; bound 1e-2 absolute.
    /// </summary>
    private const double Fp16Tolerance = 1e-2;

    [Theory]
    [InlineData(WeightStorage.Initializers, MlpKind.SwiGlu)]
    [InlineData(WeightStorage.ConstantNodes, MlpKind.Gelu)]
    public void Every_weight_MatMul_computes_in_float16_and_nothing_else_does(WeightStorage storage, MlpKind mlp)
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Storage = storage, Mlp = mlp }), "m.onnx");
        var weightMatMuls = model.Model.Graph.Node.Count(n => n.OpType == "MatMul" && ReadsConstant(model.Model, n.Input[1]));

        var half = Fp16Conversion.Apply(model);

        var types = ElementTypes(half);
        var halfNodes = half.Graph.Node.Where(n => n.OpType != "Cast" && n.Input.Any(i => types.GetValueOrDefault(i) == OnnxDataType.Float16)).ToList();
        Assert.All(halfNodes, n => Assert.Equal("MatMul", n.OpType));
        Assert.All(halfNodes, n => Assert.All(n.Input, i => Assert.Equal(OnnxDataType.Float16, types[i])));
        Assert.True(weightMatMuls > 0);
        Assert.Equal(weightMatMuls, halfNodes.Count);
        // The sensitive parts read float32: softmax, the norm's mean/variance, and everything feeding them.
        Assert.All(half.Graph.Node.Where(n => n.OpType is "Softmax" or "ReduceMean" or "LayerNormalization" or "Pow" or "Sqrt" or "Div"),
            n => Assert.All(n.Input.Where(i => i.Length > 0 && types.ContainsKey(i) && types[i] is OnnxDataType.Float or OnnxDataType.Float16), i =>
                Assert.Equal(OnnxDataType.Float, types[i])));
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Output[0].Type.TensorType.ElemType);

        var input = OrtRunner.Input(12, 2 * 6 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 6, 32), ModelRun.First(half,
            SyntheticTransformer.InputName, input, 2, 6, 32));
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
    }

    [Fact]
    public void A_low_rank_pair_passes_its_float16_intermediate_on_without_a_round_trip()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Blocks = 2 }), "m.onnx");
        var factors = LowRankRewriteTests.ExactFactors(model, LinearLayerDiscovery.Discover(model).Layers);
        var lowRank = OnnxModelFile.FromModel(LowRankRewrite.Apply(model, factors), "lr.onnx");

        var half = Fp16Conversion.Apply(lowRank);

        var producers = half.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var matMuls = half.Graph.Node.Where(n => n.OpType == "MatMul" && n.Input[1].Contains(".lr_b")).ToList();
        Assert.Equal(factors.Count, matMuls.Count);
        Assert.All(matMuls, n => Assert.Equal("MatMul", producers[n.Input[0]].OpType));
        var input = OrtRunner.Input(7, 2 * 5 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(lowRank.Model, SyntheticTransformer.InputName, input, 2, 5, 32), ModelRun.First(half,
            SyntheticTransformer.InputName, input, 2, 5, 32));
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
    }

    /// <summary>
    /// BERT's pooler is Gemm(transB=1) with a bias, and a tied lm_head reads the token embedding (also
    /// read by the embedding Gather) through a Transpose; both compute in float16 like any weight
    /// MatMul, while the Gather, tanh and the residual add stay float32. Measured max |Δ| 1.9e-3
    /// (width 16) and 8.2e-4 (width 8) against the fp32 model; bound 1e-2 as above.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void A_Gemm_with_transB_and_bias_and_a_tied_lm_head_compute_in_float16(int width)
    {
        var builder = new OnnxGraphBuilder("gemm-tied", 13);
        var x = builder.Input("x", OnnxDataType.Float, 4, 16);
        // width 8: the bias has 8 elements, fewer than MinimumElements, so it stays a float32 tensor and is cast in front of the Gemm.
        var w = builder.Initializer(OnnxTensorFactory.Floats("pooler.dense.weight", Scaled(OrtRunner.Input(21, width * 16), 0.25f), width, 16));
        var c = builder.Initializer(OnnxTensorFactory.Floats("pooler.dense.bias", OrtRunner.Input(22, width), width));
        var pooled = builder.Node("Tanh", [builder.Node("Gemm", [x, w, c], "pooler/Gemm", OnnxAttributes.Int("transB", 1))]);
        var embedding = builder.Initializer(OnnxTensorFactory.Floats("embed_tokens.weight", OrtRunner.Input(23, 32 * width), 32, width));
        var tokens = builder.Node("Gather", [embedding, builder.Initializer(OnnxTensorFactory.Int64Vector("ids", 3, 1, 4, 1))], "embed/Gather");
        var h = builder.Node("Add", [pooled, tokens]);
        var tied = builder.Node("Transpose", [embedding], "lm_head/Transpose_tied", OnnxAttributes.Ints("perm", 1, 0));
        builder.Output(builder.Node("MatMul", [h, tied], "lm_head/MatMul"), OnnxDataType.Float, 4, 32);
        var model = OnnxModelFile.FromModel(builder.Build(), "m.onnx");

        var half = Fp16Conversion.Apply(model);

        var types = ElementTypes(half);
        var gemm = half.Graph.Node.Single(n => n.OpType == "Gemm");
        var head = half.Graph.Node.Single(n => n.OpType == "MatMul");
        Assert.All(gemm.Input.Concat(gemm.Output).Concat(head.Input).Concat(head.Output), v => Assert.Equal(OnnxDataType.Float16, types[v]));
        Assert.Equal(1, gemm.Attribute.Single(a => a.Name == "transB").I);
        var transpose = half.Graph.Node.Single(n => n.OpType == "Transpose");
        Assert.Equal(OnnxDataType.Float16, types[transpose.Input[0]]);
        var gather = half.Graph.Node.Single(n => n.OpType == "Gather");
        Assert.Equal(OnnxDataType.Float, types[gather.Input[0]]);
        Assert.All(half.Graph.Node.Where(n => n.OpType is "Tanh" or "Add"), n => Assert.All(n.Input, i => Assert.Equal(OnnxDataType.Float, types[i])));

        var input = OrtRunner.Input(24, 4 * 16);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, "x", input, 4, 16), ModelRun.First(half, "x", input, 4, 16));
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
    }

    /// <summary>
    /// The real MiniLM export: its pooler Gemm (transB=1, 384×384 with bias) and every encoder MatMul
    /// run in float16; LayerNormalization, Softmax and Erf (GELU) read float32. Float16 rounding
    /// through six 384-wide layers, measured against the fp32 model on the CPU provider: 2.2e-3 on
    /// last_hidden_state, 1.5e-4 on the tanh-bounded pooler output; bound 1e-2 absolute, as above.
    /// </summary>
    [Fact]
    public void The_MiniLM_pooler_Gemm_computes_in_float16_and_its_outputs_match_the_fp32_model()
    {
        var model = OnnxModelFile.Load(TestModels.MiniLm);

        var half = Fp16Conversion.Apply(model);

        var types = ElementTypes(half);
        var gemms = half.Graph.Node.Where(n => n.OpType == "Gemm").ToList();
        Assert.NotEmpty(gemms);
        Assert.All(gemms, g => Assert.All(g.Input, i => Assert.Equal(OnnxDataType.Float16, types[i])));
        Assert.All(half.Graph.Node.Where(n => n.OpType is "Softmax" or "Erf" or "ReduceMean" or "Sqrt" or "LayerNormalization"),
            n => Assert.All(n.Input.Where(i => types.GetValueOrDefault(i) is OnnxDataType.Float or OnnxDataType.Float16), i => Assert.Equal(OnnxDataType.Float,
                types[i])));

        var expected = MiniLmOutputs(model.Model);
        var actual = MiniLmOutputs(half);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        var diffs = expected.ToDictionary(e => e.Key, e => ModelRun.MaxAbsDiff(e.Value, actual[e.Key]));
        Assert.True(diffs.Values.All(d => d <= Fp16Tolerance), string.Join(", ", diffs.Select(d => $"{d.Key}: max |Δ| = {d.Value:E2}")));
    }

    internal static Dictionary<string, float[]> MiniLmOutputs(ModelProto model)
    {
        // "[CLS] the cat sat on the mat [SEP]" in BERT's uncased vocabulary.
        long[] ids = [101, 1996, 4937, 2938, 2006, 1996, 13523, 102];
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        Microsoft.ML.OnnxRuntime.NamedOnnxValue Feed(string name, long[] values)
            => Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(values, [1,
                values.Length]));
        using var results = session.Run([Feed("input_ids", ids), Feed("attention_mask", ids.Select(_ => 1L).ToArray()), Feed("token_type_ids",
            new long[ids.Length])]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    private static float[] Scaled(float[] values, float factor) => values.Select(v => v * factor).ToArray();

    [Fact]
    public void A_weight_beyond_65504_is_refused_with_GAC3050_not_clamped()
    {
        var weights = OrtRunner.Input(3, 16 * 4);
        weights[5] = 70000f;
        var model = LinearModel(weights);

        var error = Assert.Throws<GacException>(() => Fp16Conversion.Apply(model));

        Assert.Equal("GAC3050", error.Diagnostics.Single().Code);
        Assert.Contains("'w'", error.Message);
        Assert.Contains("70000", error.Message);
    }

    [Fact]
    public void A_mask_constant_beyond_the_float16_range_is_not_a_weight_and_stays_float32()
    {
        var builder = new OnnxGraphBuilder("mask");
        var x = builder.Input("x", OnnxDataType.Float, 4, 16);
        var fill = builder.Initializer(OnnxTensorFactory.Floats("mask", Enumerable.Repeat(float.MinValue, 64).ToArray(), 4, 16));
        var w = builder.Initializer(OnnxTensorFactory.Floats("w", OrtRunner.Input(4, 16 * 4), 16, 4));
        var y = builder.Node("MatMul", [builder.Node("Max", [x, fill]), w]);
        builder.Output(y, OnnxDataType.Float, 4, 4);

        var half = Fp16Conversion.Apply(OnnxModelFile.FromModel(builder.Build(), "m.onnx"));

        Assert.Equal((int)OnnxDataType.Float, half.Graph.Initializer.Single(t => t.Name == "mask").DataType);
        Assert.Equal((int)OnnxDataType.Float16, half.Graph.Initializer.Single(t => t.Name.StartsWith('w')).DataType);
    }

    private static OnnxModelFile LinearModel(float[] weights)
    {
        var builder = new OnnxGraphBuilder("linear");
        var x = builder.Input("x", OnnxDataType.Float, 2, 16);
        var w = builder.Initializer(OnnxTensorFactory.Floats("w", weights, 16, 4));
        builder.Output(builder.Node("MatMul", [x, w]), OnnxDataType.Float, 2, 4);
        return OnnxModelFile.FromModel(builder.Build(), "linear.onnx");
    }

    internal static bool ReadsConstant(ModelProto model, string value)
    {
        var producers = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        while (producers.TryGetValue(value, out var p) && p.OpType is "Cast" or "Identity")
        {
            value = p.Input[0];
        }

        return producers.TryGetValue(value, out var constant) ? constant.OpType == "Constant" : model.Graph.Initializer.Any(t => t.Name == value);
    }

    /// <summary>Element type of every float value: initializers and Constants as stored, a Cast's output its 'to', any other operator's float outputs the type
    /// of its float inputs.</summary>
    internal static Dictionary<string, OnnxDataType> ElementTypes(ModelProto model)
    {
        var types = new Dictionary<string, OnnxDataType>(StringComparer.Ordinal);
        foreach (var input in model.Graph.Input)
        {
            types[input.Name] = (OnnxDataType)input.Type.TensorType.ElemType;
        }

        foreach (var tensor in model.Graph.Initializer)
        {
            types[tensor.Name] = (OnnxDataType)tensor.DataType;
        }

        foreach (var node in model.Graph.Node)
        {
            if (node.OpType == "Constant")
            {
                types[node.Output[0]] = (OnnxDataType)node.Attribute.Single(a => a.Name == "value").T.DataType;
            }
            else if (node.OpType == "Cast")
            {
                types[node.Output[0]] = (OnnxDataType)node.Attribute.Single(a => a.Name == "to").I;
            }
            else if (node.Input.Select(i => types.GetValueOrDefault(i))
                .FirstOrDefault(t => t is OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.BFloat16) is var t
                && t != default)
            {
                foreach (var output in node.Output.Where(o => node.OpType is not ("Shape" or "Size")))
                {
                    types[output] = t;
                }
            }
        }

        return types;
    }
}
