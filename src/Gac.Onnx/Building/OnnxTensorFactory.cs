using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.Building;

/// <summary>Creates TensorProtos with raw little-endian data, the layout every current exporter writes.</summary>
public static class OnnxTensorFactory
{
    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dims)
        => Raw(name, OnnxDataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public static TensorProto Int64s(string name, ReadOnlySpan<long> values, params long[] dims)
        => Raw(name, OnnxDataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>A 1-D int64 tensor, the type of every shape/axes/perm operand.</summary>
    public static TensorProto Int64Vector(string name, params long[] values) => Int64s(name, values, values.Length);

    public static TensorProto FloatScalar(string name, float value) => Floats(name, [value]);

    /// <summary>
    /// Wraps existing bytes without copying them (the caller must not change the array later);
    /// lets tests build multi-gigabyte models from a few shared buffers.
    /// </summary>
    public static TensorProto WrapRaw(string name, OnnxDataType type, ReadOnlyMemory<byte> bytes, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto Raw(string name, OnnxDataType type, ReadOnlySpan<byte> bytes, long count, long[] dims)
    {
        if (OnnxTensors.ElementCount(dims) != count)
        {
            throw new ArgumentException($"Tensor '{name}': {count} values do not fill shape [{string.Join(",", dims)}].", nameof(dims));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
