using Google.Protobuf;

namespace Gac.Runtime.Tests.Fixtures;

/// <summary>
/// The protobuf primitives the hand-encoded test models share: a ModelProto envelope (ir_version 8,
/// default-domain opset 13) around a graph, nested messages and string fields, by the field numbers
/// of the public onnx.proto.
/// </summary>
internal static class OnnxWire
{
    public static byte[] Model(Action<CodedOutputStream> graph)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt64(8); // ir_version 8 (ONNX 1.10+), accepted by ORT 1.31
        Str(output, 2, "gac-tests");
        Message(output, 7, graph);
        Message(output, 8, opset =>
        {
            Str(opset, 1, string.Empty);
            opset.WriteTag(2, WireFormat.WireType.Varint);
            opset.WriteInt64(13);
        });
        output.Flush();
        return buffer.ToArray();
    }

    public static void Str(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void Message(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var inner = new MemoryStream();
        var nested = new CodedOutputStream(inner);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
    }
}
