using Gac.Core.Model;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Synthetic;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Rewrites;

public sealed class Fp16ConversionTests
{
    /// <summary>
    /// Each weight is rounded to float16 (relative error ≤ 2^-11 ≈ 4.9e-4, IEEE 754 binary16);
    /// through two residual blocks of 32–48-wide dot products on O(1) activations this stays well
    /// under 1e-2 absolute (measured 2.1e-4 here, 2.3e-3 on the PaddleOCR recognizer).
    /// </summary>
    private const double Fp16Tolerance = 1e-2;

    [Theory]
    [InlineData(WeightStorage.Initializers)]
    [InlineData(WeightStorage.ConstantNodes)]
    [InlineData(WeightStorage.GemmTransposed)]
    public void Float16_weights_keep_float32_inputs_and_outputs_and_match_within_fp16_tolerance(WeightStorage storage)
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48, Storage = storage }), "m.onnx");
        var before = model.Model.ToByteArray();

        var half = Fp16Conversion.Apply(model);

        var input = OrtRunner.Input(12, 2 * 6 * 32);
        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, SyntheticTransformer.InputName, input, 2, 6, 32), ModelRun.First(half,
            SyntheticTransformer.InputName, input, 2, 6, 32));
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
        Assert.Equal(before, model.Model.ToByteArray());
        var weights = OnnxTensors.EnumerateAll(half).Where(t => OnnxTensors.ElementCount(t.Dims) >= 16).ToList();
        Assert.All(weights.Where(t => t.DataType != (int)OnnxDataType.Int64), t => Assert.Equal((int)OnnxDataType.Float16, t.DataType));
        var floatBytes = OnnxTensors.EnumerateAll(model.Model).Where(t => t.DataType == (int)OnnxDataType.Float && OnnxTensors.ElementCount(t.Dims) >= 16)
            .Sum(t => t.RawData.Length);
        Assert.Equal(floatBytes / 2, OnnxTensors.EnumerateAll(half).Where(t => t.DataType == (int)OnnxDataType.Float16).Sum(t => t.RawData.Length));
        Assert.Equal((int)OnnxDataType.Float, half.Graph.Input[0].Type.TensorType.ElemType);
    }

    [Fact]
    public void Scalars_stay_float32_because_float16_would_flush_small_ones_to_zero()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Mlp = MlpKind.Gelu, Storage = WeightStorage.ConstantNodes }), "m.onnx");

        var half = Fp16Conversion.Apply(model);

        var scalars = OnnxTensors.EnumerateAll(half).Where(t => t.Dims.Count == 0).ToList();
        Assert.NotEmpty(scalars);
        Assert.All(scalars, t => Assert.Equal((int)OnnxDataType.Float, t.DataType));
    }

    [Fact]
    public void Float16_inputs_and_outputs_are_an_option()
    {
        var model = OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 4, Intermediate = 48 }),
            "m.onnx");

        var half = Fp16Conversion.Apply(model, new Fp16ConversionOptions { Float16InputsOutputs = true });

        Assert.Equal((int)OnnxDataType.Float16, half.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)OnnxDataType.Float16, half.Graph.Output[0].Type.TensorType.ElemType);
        var input = OrtRunner.Input(13, 6 * 32);
        using var session = new InferenceSession(half.ToByteArray());
        var tensor = new DenseTensor<Float16>(input.Select(v => (Float16)v).ToArray(), [1, 6, 32]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(SyntheticTransformer.InputName, tensor)]);
        var actual = results[0].AsEnumerable<Float16>().Select(v => (float)v).ToArray();
        var expected = ModelRun.First(model.Model, SyntheticTransformer.InputName, input.Select(v => (float)(Half)v).ToArray(), 1, 6, 32);
        var diff = ModelRun.MaxAbsDiff(expected, actual);
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
    }

    [Fact]
    public void The_PaddleOCR_recognizer_in_float16_runs_on_the_CPU_and_matches()
    {
        var model = OnnxModelFile.Load(TestModels.PaddleOcrRecognizer);
        var input = OrtRunner.Input(42, 3 * 48 * 320);

        var half = Fp16Conversion.Apply(model);

        var diff = ModelRun.MaxAbsDiff(ModelRun.First(model.Model, "x", input, 1, 3, 48, 320), ModelRun.First(half, "x", input, 1, 3, 48, 320));
        // Outputs are per-character probabilities; a float16-rounded recognizer moves them by well under 0.01.
        Assert.True(diff <= Fp16Tolerance, $"max |Δ| = {diff:E2}");
        Assert.InRange(half.CalculateSize(), 0.45 * model.Model.CalculateSize(), 0.6 * model.Model.CalculateSize());
    }
}
