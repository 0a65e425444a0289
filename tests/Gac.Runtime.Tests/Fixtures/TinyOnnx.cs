using Google.Protobuf;
using static Gac.Runtime.Tests.Fixtures.OnnxWire;

namespace Gac.Runtime.Tests.Fixtures;

/// <summary>
/// Encodes minimal ONNX models by hand with protobuf field numbers from the public onnx.proto
/// (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto), so these tests need
/// neither the project's ONNX writer nor a model file.
/// </summary>
internal static class TinyOnnx
{
    public const int Float = 1;
    public const int Int64 = 7;
    public const int Float16 = 10;

    /// <summary>Y[batch, N] = X[batch, K] · W[K, N]; "batch" is symbolic.</summary>
    public static byte[] MatMul(int k, int n, float[] weight, int elementType = Float, string? externalLocation = null)
        => Model(graph =>
        {
            Message(graph, 1, node =>
            {
                Str(node, 1, "X");
                Str(node, 1, "W");
                Str(node, 2, "Y");
                Str(node, 3, "matmul");
                Str(node, 4, "MatMul");
            });
            Str(graph, 2, "tiny_matmul");
            Message(graph, 5, tensor => Tensor(tensor, "W", [k, n], elementType, weight, externalLocation));
            Message(graph, 11, value => ValueInfo(value, "X", elementType, [null, k]));
            Message(graph, 12, value => ValueInfo(value, "Y", elementType, [null, n]));
        });

    /// <summary>A bigram "language model": logits[b, s, :] = Table[ids[b, s], :]; ids int64 [batch, seq].</summary>
    public static byte[] BigramLm(int vocab, float[] table)
        => Model(graph =>
        {
            Message(graph, 1, node =>
            {
                Str(node, 1, "Table");
                Str(node, 1, "input_ids");
                Str(node, 2, "logits");
                Str(node, 3, "gather");
                Str(node, 4, "Gather");
            });
            Str(graph, 2, "tiny_lm");
            Message(graph, 5, tensor => Tensor(tensor, "Table", [vocab, vocab], Float, table, null));
            Message(graph, 11, value => ValueInfo(value, "input_ids", Int64, [null, null], ["batch", "seq"]));
            Message(graph, 12, value => ValueInfo(value, "logits", Float, [null, null, vocab], ["batch", "seq", null]));
        });

    public static float[] Weights(int count, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>Raw little-endian bytes of the weights as ONNX stores them in raw_data or an external file.</summary>
    public static byte[] RawBytes(float[] values, int elementType)
        => elementType == Float16
            ? values.SelectMany(v => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v))).ToArray()
            : values.SelectMany(BitConverter.GetBytes).ToArray();

    private static void Tensor(CodedOutputStream tensor, string name, long[] dims, int elementType, float[] values, string? externalLocation)
    {
        foreach (var dim in dims)
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt64(dim);
        }

        tensor.WriteTag(2, WireFormat.WireType.Varint);
        tensor.WriteInt32(elementType);
        Str(tensor, 8, name);
        if (externalLocation is null)
        {
            tensor.WriteTag(9, WireFormat.WireType.LengthDelimited);
            tensor.WriteBytes(ByteString.CopyFrom(RawBytes(values, elementType)));
            return;
        }

        // external_data (13) entries and data_location (14) = EXTERNAL (1).
        Message(tensor, 13, entry => { Str(entry, 1, "location"); Str(entry, 2, externalLocation); });
        Message(tensor, 13, entry => { Str(entry, 1, "offset"); Str(entry, 2, "0"); });
        Message(tensor, 13, entry => { Str(entry, 1, "length"); Str(entry, 2, RawBytes(values, elementType).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)); });
        tensor.WriteTag(14, WireFormat.WireType.Varint);
        tensor.WriteInt32(1);
    }

    private static void ValueInfo(CodedOutputStream value, string name, int elementType, long?[] dims, string?[]? symbols = null)
    {
        Str(value, 1, name);
        Message(value, 2, type => Message(type, 1, tensorType =>
        {
            tensorType.WriteTag(1, WireFormat.WireType.Varint);
            tensorType.WriteInt32(elementType);
            Message(tensorType, 2, shape =>
            {
                for (var i = 0; i < dims.Length; i++)
                {
                    var index = i;
                    Message(shape, 1, dim =>
                    {
                        if (dims[index] is { } fixedValue)
                        {
                            dim.WriteTag(1, WireFormat.WireType.Varint);
                            dim.WriteInt64(fixedValue);
                        }
                        else
                        {
                            Str(dim, 2, symbols?[index] ?? "batch");
                        }
                    });
                }
            });
        }));
    }
}
