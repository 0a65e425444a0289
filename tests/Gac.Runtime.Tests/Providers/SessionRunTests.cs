using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Tests.Providers;

/// <summary>
/// <see cref="OrtSession.Run"/>, the one way callers outside Gac.Runtime run a model: inputs and
/// outputs without ONNX Runtime types, and every ONNX Runtime failure a GAC4007 diagnostic.
/// </summary>
public sealed class SessionRunTests
{
    private static readonly OrtSessionFactory Cpu = new(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));

    [Fact]
    public void The_signature_reads_the_graph_inputs_and_outputs()
    {
        using var session = Cpu.Open(TinyOnnx.MatMul(3, 2, TinyOnnx.Weights(6, 1)), "m");

        var x = Assert.Single(session.Signature.Inputs);
        Assert.Equal("X", x.Name);
        Assert.Equal(OnnxDataType.Float, x.Element);
        Assert.Equal(3, x.Dimensions[1]);
        Assert.Equal("batch", x.Symbol(0));
        Assert.Equal(["Y"], session.Signature.OutputNames);
    }

    [Fact]
    public void A_run_returns_the_outputs_asked_for_as_float32()
    {
        // Y = X·W with W = [[1, 2], [3, 4]]: [1, 1]·W = [4, 6], [2, 0]·W = [2, 4].
        using var session = Cpu.Open(TinyOnnx.MatMul(2, 2, [1, 2, 3, 4]), "m");
        using var inputs = new InputSet([InputTensor.Of("X", new float[] { 1, 1, 2, 0 }, [2, 2])]);

        using var outputs = session.Run(inputs, ["Y"], "test");

        Assert.Equal([2L, 2], outputs.Shape(0));
        Assert.Equal([4f, 6f, 2f, 4f], outputs.Floats(0).ToArray());
    }

    [Fact]
    public void A_float16_output_is_widened_exactly()
    {
        using var session = Cpu.Open(TinyOnnx.MatMul(2, 2, [1, 2, 3, 4], TinyOnnx.Float16), "m16");
        using var inputs = new InputSet([InputTensor.Of("X", new[] { (Half)0.5, (Half)(-1) }, [1, 2])]);

        using var outputs = session.Run(inputs, ["Y"], "test");

        // [0.5, −1]·W = [0.5 − 3, 1 − 4] = [−2.5, −3], exact in fp16.
        Assert.Equal(OnnxDataType.Float16, outputs.Element(0));
        Assert.Equal([-2.5f, -3f], outputs.Floats(0).ToArray());
    }

    [Fact]
    public void An_onnx_runtime_failure_is_GAC4007_naming_the_model_and_the_run()
    {
        using var session = Cpu.Open(TinyOnnx.MatMul(2, 2, [1, 2, 3, 4]), "original");
        // ONNX Runtime does not convert element types: int64 data for the float input fails inside Run.
        using var inputs = new InputSet([InputTensor.Of("X", new long[] { 1, 2 }, [1, 2])]);

        var error = Assert.Throws<GacException>(() => session.Run(inputs, ["Y"], "calibration"));

        Assert.Equal("GAC4007", error.Diagnostics[0].Code);
        Assert.StartsWith("Running 'original' (calibration) failed: ", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void A_wrong_shape_is_GAC4007_too()
    {
        using var session = Cpu.Open(TinyOnnx.MatMul(2, 2, [1, 2, 3, 4]), "original");
        using var inputs = new InputSet([InputTensor.Of("X", new float[] { 1, 2, 3 }, [1, 3])]);

        var error = Assert.Throws<GacException>(() => session.Run(inputs, ["Y"], "fidelity"));

        Assert.Equal("GAC4007", error.Diagnostics[0].Code);
    }

    [Fact]
    public void A_tensor_whose_data_does_not_fill_its_shape_is_refused_when_built()
    {
        Assert.Throws<ArgumentException>(() => InputTensor.Of("X", new float[] { 1, 2, 3 }, [2, 2]));
    }
}
