using Gac.Runtime.Profiling;
using Google.Protobuf;
using static Gac.Runtime.Tests.Fixtures.OnnxWire;

namespace Gac.Runtime.Tests.Profiling;

/// <summary>
/// A test <see cref="IGemmModelSource"/>: encodes X[M,K]·A[K,r]·B[r,N] (or X·W) by protobuf field number
/// from the public onnx.proto, like TinyOnnx, so these tests need neither Gac.Onnx nor a model file.
/// fp32 only. Counts the probes it built.
/// </summary>
internal sealed class EncodedProbeModels : IGemmModelSource
{
    private const int Float = 1;

    public List<GemmProbe> Built { get; } = [];

    public byte[] Build(GemmProbe probe)
    {
        Built.Add(probe);
        var (k, n, m) = (probe.Shape.InFeatures, probe.Shape.OutFeatures, (long)probe.Tokens);
        return Model(graph =>
        {
            if (probe.Rank is { } r)
            {
                Node(graph, "MatMul", ["x", "a"], "h");
                Node(graph, "MatMul", ["h", "b"], "y");
                Weight(graph, "a", k, r);
                Weight(graph, "b", r, n);
            }
            else
            {
                Node(graph, "MatMul", ["x", "w"], "y");
                Weight(graph, "w", k, n);
            }

            Str(graph, 2, "probe");
            Message(graph, 11, value => ValueInfo(value, "x", m, k));
            Message(graph, 12, value => ValueInfo(value, "y", m, n));
        });
    }

    private static void Node(CodedOutputStream graph, string op, string[] inputs, string output)
        => Message(graph, 1, node =>
        {
            foreach (var input in inputs)
            {
                Str(node, 1, input);
            }

            Str(node, 2, output);
            Str(node, 4, op);
        });

    private static void Weight(CodedOutputStream graph, string name, long rows, long columns)
        => Message(graph, 5, tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt64(rows);
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt64(columns);
            tensor.WriteTag(2, WireFormat.WireType.Varint);
            tensor.WriteInt32(Float);
            Str(tensor, 8, name);
            var random = new Random(7);
            var values = new float[rows * columns];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (random.NextSingle() * 2) - 1;
            }

            tensor.WriteTag(9, WireFormat.WireType.LengthDelimited);
            tensor.WriteBytes(ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()));
        });

    private static void ValueInfo(CodedOutputStream value, string name, long rows, long columns)
    {
        Str(value, 1, name);
        Message(value, 2, type => Message(type, 1, tensorType =>
        {
            tensorType.WriteTag(1, WireFormat.WireType.Varint);
            tensorType.WriteInt32(Float);
            Message(tensorType, 2, shape =>
            {
                foreach (var size in new[] { rows, columns })
                {
                    Message(shape, 1, dim =>
                    {
                        dim.WriteTag(1, WireFormat.WireType.Varint);
                        dim.WriteInt64(size);
                    });
                }
            });
        }));
    }
}
