using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.ExternalData;
using Google.Protobuf;

namespace Gac.Runtime.Tests.Fixtures;

/// <summary>
/// Minimal ONNX models built with Gac.Onnx's <see cref="OnnxGraphBuilder"/> (the one the exporter and
/// <c>profile</c> use), so these tests need no model file. What they check is ONNX Runtime's behaviour
/// on the graphs, which ORT itself validates when it loads them.
/// </summary>
internal static class TinyOnnx
{
    public const OnnxDataType Float = OnnxDataType.Float;
    public const OnnxDataType Int64 = OnnxDataType.Int64;
    public const OnnxDataType Float16 = OnnxDataType.Float16;

    /// <summary>Y[batch, N] = X[batch, K] · W[K, N]; "batch" is symbolic.</summary>
    public static byte[] MatMul(int k, int n, float[] weight, OnnxDataType elementType = Float, string? externalLocation = null)
    {
        var graph = new OnnxGraphBuilder("tiny_matmul");
        var x = graph.Input("X", elementType, "batch", k);
        var raw = RawBytes(weight, elementType);
        var w = OnnxTensorFactory.WrapRaw("W", elementType, raw, k, n);
        if (externalLocation is not null)
        {
            new ExternalDataReference(externalLocation, 0, raw.Length).WriteTo(w);
        }

        var y = graph.NodeWithOutput("Y", "MatMul", [x, graph.Initializer(w)], "matmul");
        graph.Output(y, elementType, "batch", n);
        return graph.Build().ToByteArray();
    }

    /// <summary>A bigram "language model": logits[b, s, :] = Table[ids[b, s], :]; ids int64 [batch, seq].</summary>
    public static byte[] BigramLm(int vocab, float[] table)
    {
        var graph = new OnnxGraphBuilder("tiny_lm");
        var ids = graph.Input("input_ids", Int64, "batch", "seq");
        var lookup = graph.Initializer(OnnxTensorFactory.Floats("Table", table, vocab, vocab));
        var logits = graph.NodeWithOutput("logits", "Gather", [lookup, ids], "gather");
        graph.Output(logits, Float, "batch", "seq", vocab);
        return graph.Build().ToByteArray();
    }

    public static float[] Weights(int count, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>Raw little-endian bytes of the weights as ONNX stores them in raw_data or an external file.</summary>
    public static byte[] RawBytes(float[] values, OnnxDataType elementType)
        => elementType == Float16
            ? values.SelectMany(v => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v))).ToArray()
            : values.SelectMany(BitConverter.GetBytes).ToArray();
}
