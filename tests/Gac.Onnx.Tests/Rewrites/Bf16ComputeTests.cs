using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static Gac.Onnx.Tests.Rewrites.Fp16ComputeTests;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// export.dtype bf16: the same conversion as fp16 with bfloat16 as the half type. Types are traced
/// through the graph independently of the conversion. ONNX Runtime's CPU provider has no bfloat16
/// MatMul (checked below), so numerics are checked on <see cref="Bf16Emulation"/>: each bfloat16 node
/// reads float32 copies of its operands (exact), computes in float32 and rounds its result to
/// bfloat16 with the CPU provider's own Cast — what cuBLAS does with bfloat16 operands and float32
/// compute, up to summation order.
/// </summary>
public sealed class Bf16ComputeTests(ITestOutputHelper output)
{
    /// <summary>
    /// bfloat16 keeps 8 significant bits: unit roundoff 2^-8 ≈ 3.9e-3, 8× float16's 2^-11. The
    /// fp16 bound (1e-2, measured 1.2e-3–2.2e-3) scaled by that factor: 8e-2 absolute on these O(1)
    /// outputs. Measured: see the test output (and the README's dtype paragraph).
    /// </summary>
    private const double Bf16Tolerance = 8e-2;

    [Fact]
    public void The_CPU_provider_casts_to_and_from_bfloat16_but_has_no_bfloat16_MatMul()
    {
        var half = Fp16Conversion.Apply(LinearModel(), Fp16ConversionOptions.BFloat16);

        // Why the emulation exists: the raw graph does not load on the CPU provider.
        var refusal = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(half)).Dispose());
        output.WriteLine(refusal.Message);
        Assert.Contains("MatMul", refusal.Message);
        var (emulated, wrapped) = Bf16Emulation.Apply(OnnxModelFile.FromModel(half, "m.onnx"));
        Assert.Equal(1, wrapped);
        var input = OrtRunner.Input(31, 2 * 16);
        var result = ModelRun.First(emulated, "x", input, 2, 16);

        // By definition: x·W with W rounded to bfloat16, x rounded to bfloat16, the float32 sum rounded to bfloat16.
        var w = OrtRunner.Input(30, 16 * 4);
        for (var r = 0; r < 2; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                var sum = 0f;
                for (var k = 0; k < 16; k++)
                {
                    sum += Round(input[(r * 16) + k]) * Round(w[(k * 4) + c]);
                }

                Assert.Equal(Round(sum), result[(r * 4) + c], 1e-6f * Math.Max(1f, Math.Abs(sum)));
            }
        }
    }

    /// <summary>
    /// The emulation must keep every rounding even under ONNX Runtime's full graph optimization (which
    /// could drop a float32 → bfloat16 → float32 Cast pair). x·w with x = [1 + 0.6·2^-7, 1], w = [1, −1]:
    /// bfloat16 (8 significant bits, spacing 2^-7 at 1) rounds x₀ to 1 + 2^-7, so the product is exactly
    /// 2^-7 = 0.0078125; without the activation rounding it would be bf16(0.6·2^-7) ≈ 0.0047.
    /// </summary>
    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_BASIC)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void The_emulation_rounds_the_activation_to_bfloat16_at_every_optimization_level(GraphOptimizationLevel level)
    {
        var builder = new OnnxGraphBuilder("cancel");
        var x = builder.Input("x", OnnxDataType.Float, 1, 16);
        var w = new float[16 * 1];
        (w[0], w[1]) = (1f, -1f);
        builder.Output(builder.Node("MatMul", [x, builder.Initializer(OnnxTensorFactory.Floats("w", w, 16, 1))]), OnnxDataType.Float, 1, 1);
        var half = Fp16Conversion.Apply(OnnxModelFile.FromModel(builder.Build(), "m.onnx"), Fp16ConversionOptions.BFloat16);
        var (emulated, _) = Bf16Emulation.Apply(OnnxModelFile.FromModel(half, "m.onnx"));
        var input = new float[16];
        (input[0], input[1]) = (1f + (0.6f / 128), 1f);

        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(emulated), options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, [1, 16]))]);

        Assert.Equal(1f / 128, results[0].AsEnumerable<float>().Single());
    }

    [Theory]
    [InlineData(WeightStorage.Initializers, MlpKind.SwiGlu)]
    [InlineData(WeightStorage.ConstantNodes, MlpKind.Gelu)]
    public void Every_weight_MatMul_computes_in_bfloat16_and_the_sensitive_parts_in_float32(WeightStorage storage, MlpKind mlp)
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Storage = storage, Mlp = mlp }), "m.onnx");
        var weightMatMuls = model.Model.Graph.Node.Count(n => n.OpType == "MatMul" && ReadsConstant(model.Model, n.Input[1]));

        var half = Fp16Conversion.Apply(model, Fp16ConversionOptions.BFloat16);

        var types = ElementTypes(half);
        Assert.DoesNotContain(types.Values, t => t == OnnxDataType.Float16);
        var halfNodes = half.Graph.Node.Where(n => n.OpType != "Cast" && n.Input.Any(i => types.GetValueOrDefault(i) == OnnxDataType.BFloat16)).ToList();
        Assert.All(halfNodes, n => Assert.Equal("MatMul", n.OpType));
        Assert.All(halfNodes, n => Assert.All(n.Input.Concat(n.Output), v => Assert.Equal(OnnxDataType.BFloat16, types[v])));
        Assert.True(weightMatMuls > 0);
        Assert.Equal(weightMatMuls, halfNodes.Count);
        Assert.All(half.Graph.Node.Where(n => n.OpType is "Softmax" or "ReduceMean" or "LayerNormalization" or "Pow" or "Sqrt" or "Div" or "Erf" or "Sigmoid"),
            n => Assert.All(n.Input.Where(i => types.GetValueOrDefault(i) is OnnxDataType.Float or OnnxDataType.BFloat16), i =>
                Assert.Equal(OnnxDataType.Float, types[i])));
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Output[0].Type.TensorType.ElemType);

        var (emulated, wrapped) = Bf16Emulation.Apply(OnnxModelFile.FromModel(half, "m.onnx"));
        Assert.Equal(weightMatMuls, wrapped);
        var input = OrtRunner.Input(12, 2 * 6 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 6, 32), ModelRun.First(emulated,
            SyntheticTransformer.InputName, input, 2, 6, 32));
        output.WriteLine($"{storage}/{mlp}: max |bf16 − fp32| = {diff:E2}");
        Assert.True(diff <= Bf16Tolerance, $"max |Δ| = {diff:E2}");
        Assert.True(diff > 0, "bfloat16 rounding must show: an emulation equal to fp32 would check nothing");
    }

    /// <summary>
    /// The real MiniLM export (nobody here wrote it): the pooler Gemm (transB=1, bias) and every encoder
    /// MatMul read bfloat16 operands; LayerNormalization, Softmax and Erf read float32.
    /// </summary>
    [Fact]
    public void MiniLM_in_bfloat16_matches_the_fp32_model_within_bfloat16_rounding()
    {
        var model = OnnxModelFile.Load(TestModels.MiniLm);

        var half = Fp16Conversion.Apply(model, Fp16ConversionOptions.BFloat16);

        var types = ElementTypes(half);
        var gemms = model.Model.Graph.Node.Where(n => n.OpType is "Gemm" or "MatMul" && ReadsConstant(model.Model, n.Input[1])).ToList();
        var halfGemms = half.Graph.Node.Where(n => n.OpType is "Gemm" or "MatMul" && types.GetValueOrDefault(n.Input[1]) == OnnxDataType.BFloat16).ToList();
        Assert.Equal(gemms.Count, halfGemms.Count);
        Assert.Contains(halfGemms, g => g.OpType == "Gemm");
        Assert.All(halfGemms, g => Assert.All(g.Input, i => Assert.Equal(OnnxDataType.BFloat16, types[i])));
        Assert.All(half.Graph.Node.Where(n => n.OpType is "Softmax" or "Erf" or "ReduceMean" or "Sqrt" or "LayerNormalization"),
            n => Assert.All(n.Input.Where(i => types.GetValueOrDefault(i) is OnnxDataType.Float or OnnxDataType.BFloat16), i => Assert.Equal(OnnxDataType.Float,
                types[i])));

        var (emulated, wrapped) = Bf16Emulation.Apply(OnnxModelFile.FromModel(half, TestModels.MiniLm));
        Assert.Equal(halfGemms.Count, wrapped);
        var expected = MiniLmOutputs(model.Model);
        var actual = MiniLmOutputs(emulated);
        var diffs = expected.ToDictionary(e => e.Key, e => ModelRun.MaxAbsDiff(e.Value, actual[e.Key]));
        output.WriteLine(string.Join(", ", diffs.Select(d => $"{d.Key}: max |bf16 − fp32| = {d.Value:E2}")));
        Assert.True(diffs.Values.All(d => d is > 0 and <= Bf16Tolerance), string.Join(", ", diffs.Select(d => $"{d.Key}: max |Δ| = {d.Value:E2}")));
    }

    [Fact]
    public void A_tied_lm_head_and_a_Gemm_with_bias_read_bfloat16_and_the_Gather_reads_float32()
    {
        var builder = new OnnxGraphBuilder("gemm-tied", 13);
        var x = builder.Input("x", OnnxDataType.Float, 4, 16);
        var w = builder.Initializer(OnnxTensorFactory.Floats("pooler.dense.weight", OrtRunner.Input(21, 16 * 16), 16, 16));
        var c = builder.Initializer(OnnxTensorFactory.Floats("pooler.dense.bias", OrtRunner.Input(22, 16), 16));
        var pooled = builder.Node("Tanh", [builder.Node("Gemm", [x, w, c], "pooler/Gemm", OnnxAttributes.Int("transB", 1))]);
        var embedding = builder.Initializer(OnnxTensorFactory.Floats("embed_tokens.weight", OrtRunner.Input(23, 32 * 16), 32, 16));
        var tokens = builder.Node("Gather", [embedding, builder.Initializer(OnnxTensorFactory.Int64Vector("ids", 3, 1, 4, 1))], "embed/Gather");
        var h = builder.Node("Add", [pooled, tokens]);
        var tied = builder.Node("Transpose", [embedding], "lm_head/Transpose_tied", OnnxAttributes.Ints("perm", 1, 0));
        builder.Output(builder.Node("MatMul", [h, tied], "lm_head/MatMul"), OnnxDataType.Float, 4, 32);
        var model = OnnxModelFile.FromModel(builder.Build(), "m.onnx");

        var half = Fp16Conversion.Apply(model, Fp16ConversionOptions.BFloat16);

        var types = ElementTypes(half);
        var gemm = half.Graph.Node.Single(n => n.OpType == "Gemm");
        var head = half.Graph.Node.Single(n => n.OpType == "MatMul");
        Assert.All(gemm.Input.Concat(gemm.Output).Concat(head.Input).Concat(head.Output), v => Assert.Equal(OnnxDataType.BFloat16, types[v]));
        Assert.Equal(OnnxDataType.Float, types[half.Graph.Node.Single(n => n.OpType == "Gather").Input[0]]);
        var (emulated, wrapped) = Bf16Emulation.Apply(OnnxModelFile.FromModel(half, "m.onnx"));
        Assert.Equal(3, wrapped); // the Gemm, the bfloat16 Transpose of the tied embedding, the lm_head MatMul
        var input = OrtRunner.Input(24, 4 * 16);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, "x", input, 4, 16), ModelRun.First(emulated, "x", input, 4, 16));
        output.WriteLine($"Gemm + tied lm_head: max |bf16 − fp32| = {diff:E2}");
        Assert.True(diff <= Bf16Tolerance, $"max |Δ| = {diff:E2}");
    }

    [Fact]
    public void A_mask_fill_of_float_MinValue_stays_float32_and_a_weight_rounding_to_infinity_is_GAC3070()
    {
        var builder = new OnnxGraphBuilder("mask");
        var x = builder.Input("x", OnnxDataType.Float, 4, 16);
        var fill = builder.Initializer(OnnxTensorFactory.Floats("mask", Enumerable.Repeat(float.MinValue, 64).ToArray(), 4, 16));
        var w = builder.Initializer(OnnxTensorFactory.Floats("w", OrtRunner.Input(4, 16 * 4), 16, 4));
        builder.Output(builder.Node("MatMul", [builder.Node("Max", [x, fill]), w]), OnnxDataType.Float, 4, 4);

        var half = Fp16Conversion.Apply(OnnxModelFile.FromModel(builder.Build(), "m.onnx"), Fp16ConversionOptions.BFloat16);

        // float.MinValue would round to −∞ in bfloat16; it is no weight, so it keeps its exact float32 value.
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Initializer.Single(t => t.Name == "mask").DataType);
        Assert.Equal((int)OnnxDataType.BFloat16, half.Graph.Initializer.Single(t => t.Name.StartsWith('w')).DataType);

        var weights = OrtRunner.Input(30, 16 * 4);
        weights[7] = 3.4e38f;
        var error = Assert.Throws<GacException>(() => Fp16Conversion.Apply(LinearModel(weights), Fp16ConversionOptions.BFloat16));
        Assert.Equal("GAC3070", error.Diagnostics.Single().Code);
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void A_bfloat16_weight_reads_back_as_the_float32_it_was_rounded_to()
    {
        var half = Fp16Conversion.Apply(LinearModel(), Fp16ConversionOptions.BFloat16);
        var file = OnnxModelFile.FromModel(half, "m.onnx");

        var weight = half.Graph.Initializer.Single(t => t.DataType == (int)OnnxDataType.BFloat16);

        Assert.Equal(OrtRunner.Input(30, 16 * 4).Select(Round), file.ReadFloats(weight));
    }

    private static float Round(float value) => Core.Numerics.BFloat16Bits.ToSingle(Core.Numerics.BFloat16Bits.FromSingle(value));

    private static OnnxModelFile LinearModel(float[]? weights = null)
    {
        var builder = new OnnxGraphBuilder("linear");
        var x = builder.Input("x", OnnxDataType.Float, 2, 16);
        var w = builder.Initializer(OnnxTensorFactory.Floats("w", weights ?? OrtRunner.Input(30, 16 * 4), 16, 4));
        builder.Output(builder.Node("MatMul", [x, w]), OnnxDataType.Float, 2, 4);
        return OnnxModelFile.FromModel(builder.Build(), "linear.onnx");
    }
}
