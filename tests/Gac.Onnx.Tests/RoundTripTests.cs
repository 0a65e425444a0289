using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests;

public sealed class RoundTripTests
{
    private const int Batch = 2;
    private const int Sequence = 5;

    public static TheoryData<WeightStorage, MlpKind> Layouts => new()
    {
        { WeightStorage.Initializers, MlpKind.SwiGlu },
        { WeightStorage.ConstantNodes, MlpKind.Gelu },
        { WeightStorage.GemmTransposed, MlpKind.Relu },
        { WeightStorage.External, MlpKind.SwiGlu },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Reading_then_writing_an_unchanged_generated_model_is_byte_identical_and_computes_the_same(WeightStorage storage, MlpKind mlp)
    {
        using var scratch = new ScratchFolder();
        var options = new SyntheticTransformerOptions { Storage = storage, Mlp = mlp };
        var original = scratch.File("model.onnx");
        SyntheticTransformer.Write(options, original);

        var copy = scratch.File("copy.onnx");
        OnnxModelFile.Load(original).Save(copy);

        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
        var input = OrtRunner.Input(7, Batch * Sequence * options.Hidden);
        var expected = OrtRunner.Run(original, SyntheticTransformer.InputName, input, Batch, Sequence, options.Hidden);
        var actual = OrtRunner.Run(copy, SyntheticTransformer.InputName, input, Batch, Sequence, options.Hidden);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Every_weight_layout_of_the_same_seed_computes_the_same_function()
    {
        using var scratch = new ScratchFolder();
        var input = OrtRunner.Input(11, Batch * Sequence * 64);
        float[]? reference = null;
        foreach (var storage in Enum.GetValues<WeightStorage>())
        {
            var path = scratch.File($"{storage}.onnx");
            SyntheticTransformer.Write(new SyntheticTransformerOptions { Storage = storage }, path);
            var output = OrtRunner.Run(path, SyntheticTransformer.InputName, input, Batch, Sequence, 64);
            Assert.Equal(Batch * Sequence * 64, output.Length);
            Assert.All(output, v => Assert.True(float.IsFinite(v)));
            reference ??= output;
            // Same weights, same math; only the GEMM kernel (MatMul vs Gemm) and summation order
            // differ, so fp32 results agree to a few ulps of O(1) values: 1e-4 absolute is ample.
            for (var i = 0; i < output.Length; i++)
            {
                Assert.True(Math.Abs(reference[i] - output[i]) <= 1e-4f, $"{storage}: element {i} differs: {reference[i]} vs {output[i]}");
            }
        }
    }

    [Fact]
    public void Generation_is_deterministic_for_a_seed_and_differs_across_seeds()
    {
        var a = Google.Protobuf.MessageExtensions.ToByteArray(SyntheticTransformer.Create(new SyntheticTransformerOptions { Seed = 5 }));
        var b = Google.Protobuf.MessageExtensions.ToByteArray(SyntheticTransformer.Create(new SyntheticTransformerOptions { Seed = 5 }));
        var c = Google.Protobuf.MessageExtensions.ToByteArray(SyntheticTransformer.Create(new SyntheticTransformerOptions { Seed = 6 }));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void The_real_PaddleOCR_model_round_trips_byte_identical_and_runs_the_same()
    {
        using var scratch = new ScratchFolder();
        var source = TestModels.PaddleOcrRecognizer;
        var model = OnnxModelFile.Load(source);
        var copy = scratch.File("rec.onnx");
        model.Save(copy);

        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));
        var inputName = model.Model.Graph.Input[0].Name;
        var input = OrtRunner.Input(3, 1 * 3 * 48 * 320);
        var expected = OrtRunner.Run(source, inputName, input, 1, 3, 48, 320);
        var actual = OrtRunner.Run(copy, inputName, input, 1, 3, 48, 320);
        Assert.Equal(40 * 6625, actual.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_real_model_written_with_its_Constant_node_weights_as_external_data_computes_the_same()
    {
        // Paddle2ONNX keeps every weight in a Constant node; writing them as external data and
        // reading them back must give ONNX Runtime the same tensors.
        using var scratch = new ScratchFolder();
        var source = TestModels.PaddleOcrRecognizer;
        var external = scratch.File("rec-external.onnx");
        OnnxModelFile.Load(source).Save(external, new OnnxSaveOptions { ExternalData = ExternalDataPolicy.External });
        Assert.True(new FileInfo(external).Length < new FileInfo(source).Length / 4, "weights should have moved to the data file");

        var inputName = OnnxModelFile.Load(source).Model.Graph.Input[0].Name;
        var input = OrtRunner.Input(4, 1 * 3 * 48 * 320);
        var expected = OrtRunner.Run(source, inputName, input, 1, 3, 48, 320);
        var actual = OrtRunner.Run(external, inputName, input, 1, 3, 48, 320);
        Assert.Equal(expected, actual);
    }
}
