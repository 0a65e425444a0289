using Gac.Core.Model;
using Gac.Onnx;
using Gac.Onnx.Building;

namespace Gac.Cli.Tests;

/// <summary>
/// A model ONNX Runtime loads but cannot run on the spec's data, which no check before the run can
/// see: every run goes through Gac.Runtime's one <c>OrtSession.Run</c>, so the failure is GAC4007,
/// exit 2, without a stack trace — calibration's run included.
/// </summary>
public sealed class InferenceFailureTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_graph_that_fails_on_the_calibration_data_is_GAC4007_exit_2_without_a_stack_trace()
    {
        // X[batch, 16] · W1 · W2, then a Reshape to a fixed [2, 16]: valid for batch 2 only. The .npy
        // has batch 3, which every input check accepts (batch is symbolic); ONNX Runtime's Reshape refuses it.
        var graph = new OnnxGraphBuilder("reshape_fails");
        var x = graph.Input("X", OnnxDataType.Float, "batch", 16);
        var w1 = graph.Initializer(OnnxTensorFactory.Floats("w1", Enumerable.Range(0, 256).Select(i => (float)Math.Sin(i)).ToArray(), 16, 16));
        var w2 = graph.Initializer(OnnxTensorFactory.Floats("w2", Enumerable.Range(0, 256).Select(i => (float)Math.Cos(i)).ToArray(), 16, 16));
        var h = graph.Node("MatMul", [x, w1], "fc1");
        var y = graph.Node("MatMul", [h, w2], "fc2");
        var shape = graph.Initializer(OnnxTensorFactory.Int64Vector("fixed_shape", 2, 16));
        graph.Output(graph.Node("Reshape", [y, shape], "reshape"), OnnxDataType.Float, 2, 16);
        OnnxModelWriter.Write(graph.Build(), _folder.File("model.onnx"));
        File.WriteAllBytes(_folder.File("x.npy"), Npy("<f4", [3, 16], Enumerable.Range(0, 48).SelectMany(i => BitConverter.GetBytes((float)i / 48)).ToArray()));
        File.WriteAllText(_folder.File("gac.yaml"), """
            version: 1
            model: { path: model.onnx }
            calibration: { npy: { X: x.npy } }
            compress: { method: asvd, ratio: 0.15 }
            export: { path: out/model.gac.onnx }
            validation: { provider: cpu, warmup: 1, iterations: 2, heldout_samples: 2 }
            gate: { min_cosine: 0.5 }
            """);

        var result = CliRun.InDirectory(_folder.Path, "run", "gac.yaml");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\n{result.Error}");
        Assert.Contains("error GAC4007: Running 'calibration' (calibration) failed: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("Reshape", result.Error, StringComparison.Ordinal);
        // ONNX Runtime's own message may say "RuntimeException"; what must not appear is a .NET stack trace.
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("out")), "run wrote output for a model it could not run");
    }

    /// <summary>A .npy file as numpy.save writes it (NEP 1: magic, version 1.0, header length, dict header padded to 64 bytes).</summary>
    private static byte[] Npy(string descr, long[] shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}), }}";
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(padded.Length & 0xff), (byte)(padded.Length >> 8)]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(padded));
        bytes.AddRange(data);
        return bytes.ToArray();
    }
}
