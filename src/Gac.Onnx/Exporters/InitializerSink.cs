using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Exporters;

/// <summary>
/// Where exported weights go: into the model (raw data), or straight into an external data file
/// as each one is produced, so a multi-gigabyte export holds only the tensor being written.
/// Offsets are page-aligned so ONNX Runtime can memory-map them (OnnxSaveOptions.ExternalDataAlignment).
/// </summary>
internal sealed class InitializerSink
{
    /// <summary>Smaller tensors stay inline even in external mode (the onnx package's default threshold).</summary>
    private const int ExternalThresholdBytes = 1024;

    private readonly Stream? _data;
    private readonly string? _location;
    private readonly CancellationToken _cancellationToken;

    private InitializerSink(Stream? data, string? location, CancellationToken cancellationToken)
    {
        _data = data;
        _location = location;
        _cancellationToken = cancellationToken;
    }

    /// <param name="cancellationToken">Checked before each weight: the export is CPU- and disk-bound and runs synchronously, one tensor at a time.</param>
    public static InitializerSink Inline(CancellationToken cancellationToken = default) => new(null, null, cancellationToken);

    public static InitializerSink External(Stream data, string location, CancellationToken cancellationToken = default) => new(data, location,
        cancellationToken);

    public bool WroteExternal { get; private set; }

    public long FloatCount { get; private set; }

    public TensorProto Floats(string name, float[] values, params long[] dims)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        FloatCount += values.Length;
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        if (_data is null || bytes.Length < ExternalThresholdBytes)
        {
            return OnnxTensorFactory.Floats(name, values, dims);
        }

        var offset = (_data.Position
            + OnnxSaveOptions.ExternalDataAlignment - 1) / OnnxSaveOptions.ExternalDataAlignment * OnnxSaveOptions.ExternalDataAlignment;
        _data.Write(new byte[offset - _data.Position]);
        _data.Write(bytes);
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxDataType.Float };
        tensor.Dims.AddRange(dims);
        new ExternalDataReference(_location!, offset, bytes.Length).WriteTo(tensor);
        WroteExternal = true;
        return tensor;
    }
}
