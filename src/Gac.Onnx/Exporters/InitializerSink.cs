using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.Building;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Exporters;

/// <summary>
/// Where exported weights go: into the model (raw data), or straight into an external data file
/// as each one is produced, so a multi-gigabyte export holds only the tensor being written.
/// Offsets are page-aligned so ONNX Runtime can memory-map them (OnnxSaveOptions.ExternalDataAlignment).
/// With a 16-bit <see cref="CheckpointExportOptions.WeightStorage"/> each tensor whose values that type
/// holds exactly is written in it as it arrives (the checkpoint's own bits: BF16/F16 → float32 → BF16/F16
/// is exact); one it cannot hold exactly stays float32, so the storage never rounds anything.
/// </summary>
internal sealed class InitializerSink
{
    /// <summary>Smaller tensors stay inline even in external mode (the onnx package's default threshold).</summary>
    private const int ExternalThresholdBytes = 1024;

    /// <summary>Tensors below this many elements stay float32, as Gac.Onnx.Rewrites.Fp16ConversionOptions.MinimumElements keeps them.</summary>
    private const int MinimumHalfElements = 16;

    private readonly Stream? _data;
    private readonly string? _location;
    private readonly OnnxDataType _storage;
    private readonly CancellationToken _cancellationToken;

    private InitializerSink(Stream? data, string? location, OnnxDataType storage, CancellationToken cancellationToken)
    {
        _data = data;
        _location = location;
        _storage = storage;
        _cancellationToken = cancellationToken;
    }

    /// <param name="storage">Float, or Float16/BFloat16 for <see cref="CheckpointExportOptions.WeightStorage"/>.</param>
    /// <param name="cancellationToken">Checked before each weight: the export is CPU- and disk-bound and runs synchronously, one tensor at a time.</param>
    public static InitializerSink Inline(OnnxDataType storage = OnnxDataType.Float, CancellationToken cancellationToken = default)
        => new(null, null, storage, cancellationToken);

    public static InitializerSink External(Stream data, string location, OnnxDataType storage = OnnxDataType.Float,
        CancellationToken cancellationToken = default) => new(data, location, storage, cancellationToken);

    public bool WroteExternal { get; private set; }

    public long FloatCount { get; private set; }

    /// <summary>Tensors written in the 16-bit storage type (the rest are float32).</summary>
    public int HalfCount { get; private set; }

    /// <summary>The tensor as stored: float32, or the 16-bit storage type when it holds every value exactly (the caller reads it through a Cast).</summary>
    public TensorProto Floats(string name, float[] values, params long[] dims)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        FloatCount += values.Length;
        var halves = _storage != OnnxDataType.Float && values.Length >= MinimumHalfElements ? ExactHalves(values, _storage) : null;
        var type = halves is null ? OnnxDataType.Float : _storage;
        HalfCount += halves is null ? 0 : 1;
        var bytes = halves is null ? MemoryMarshal.AsBytes(values.AsSpan()) : MemoryMarshal.AsBytes(halves.AsSpan());
        if (_data is null || bytes.Length < ExternalThresholdBytes)
        {
            return halves is null ? OnnxTensorFactory.Floats(name, values, dims) : OnnxTensorFactory.WrapRaw(name, type, bytes.ToArray(), dims);
        }

        var offset = (_data.Position
            + OnnxSaveOptions.ExternalDataAlignment - 1) / OnnxSaveOptions.ExternalDataAlignment * OnnxSaveOptions.ExternalDataAlignment;
        _data.Write(new byte[offset - _data.Position]);
        _data.Write(bytes);
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        new ExternalDataReference(_location!, offset, bytes.Length).WriteTo(tensor);
        WroteExternal = true;
        return tensor;
    }

    /// <summary>The 16-bit bits of every value, or null when one of them does not survive the round trip bit for bit.</summary>
    internal static ushort[]? ExactHalves(ReadOnlySpan<float> values, OnnxDataType type)
    {
        var halves = new ushort[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var bits = type == OnnxDataType.BFloat16 ? BFloat16Bits.FromSingle(values[i]) : BitConverter.HalfToUInt16Bits((Half)values[i]);
            var back = type == OnnxDataType.BFloat16 ? BFloat16Bits.ToSingle(bits) : (float)BitConverter.UInt16BitsToHalf(bits);
            if (BitConverter.SingleToUInt32Bits(back) != BitConverter.SingleToUInt32Bits(values[i]))
            {
                return null;
            }

            halves[i] = bits;
        }

        return halves;
    }
}
