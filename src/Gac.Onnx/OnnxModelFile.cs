using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx;

/// <summary>
/// An ONNX model and the folder it belongs to. The graph is parsed eagerly; weights stored as
/// external data are read only when asked for (<see cref="ReadTensorBytes"/>), so shape-only work
/// such as discovery and the alignment audit never touches the weight files.
/// </summary>
public sealed class OnnxModelFile
{
    /// <summary>Protobuf cannot parse a message of 2 GB or more (int32 sizes in its wire format).</summary>
    public const long ProtobufMessageLimit = int.MaxValue;

    private OnnxModelFile(ModelProto model, string path)
    {
        Model = model;
        Path = System.IO.Path.GetFullPath(path);
        Folder = new ModelFolder(Path);
    }

    /// <summary>The parsed model. Mutating it is allowed; <see cref="Save"/> writes what it holds.</summary>
    public ModelProto Model { get; }

    /// <summary>Full path of the model file (for an in-memory model: where it would live).</summary>
    public string Path { get; }

    /// <summary>The folder external data is resolved against.</summary>
    public ModelFolder Folder { get; }

    /// <summary>
    /// Reads exactly the length the file system reports. A device or pipe (/dev/zero, a FIFO) reports
    /// 0 or a wrong length and would be read forever, so more bytes than reported is refused.
    /// </summary>
    private static byte[] ReadRegularFile(FileInfo info, SourceLocation location)
    {
        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var bytes = new byte[info.Length];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() != -1)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelFileUnreadable,
                $"'{info.FullName}' is not a regular file (a device, a pipe, or a file that grew while read): it reports {info.Length:N0} bytes but holds " +
                    $"more.",
                location);
        }

        return bytes;
    }

    /// <summary>
    /// Reads and validates an ONNX file. External data references are checked for folder escapes
    /// but read only when <paramref name="loadExternalData"/> is true, in which case every external
    /// tensor is brought into the model (raw_data) and no longer refers to a file.
    /// Failures are <see cref="GacException"/>s with GAC1001–GAC1009.
    /// </summary>
    public static OnnxModelFile Load(string path, bool loadExternalData = false)
    {
        var location = new SourceLocation(path);
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelFileNotFound, $"'{path}' is not a valid file path: {e.Message}", location, e);
        }

        if (!info.Exists)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelFileNotFound, $"Model file '{path}' does not exist.", location);
        }

        if (info.Length >= ProtobufMessageLimit)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelTooLarge,
                $"Model file '{path}' is {info.Length:N0} bytes; protobuf cannot parse 2 GB or more.",
                location);
        }

        byte[] bytes;
        try
        {
            bytes = ReadRegularFile(info, location);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelFileUnreadable, $"Cannot read model file '{path}': {e.Message}", location, e);
        }

        var file = Parse(bytes, info.FullName);
        if (loadExternalData)
        {
            file.LoadExternalData();
        }

        return file;
    }

    /// <summary>Parses model bytes; <paramref name="path"/> names the file for diagnostics and external data.</summary>
    public static OnnxModelFile Parse(ReadOnlySpan<byte> bytes, string path)
    {
        var location = new SourceLocation(path);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelNotOnnx, $"'{path}' is not a valid ONNX model: {e.Message}", location, e);
        }

        // Random bytes sometimes parse as a protobuf message; a model must at least say which IR
        // version and operator sets it uses and have a graph (ONNX IR spec: all three required).
        var missing = new List<string>();
        if (!model.HasIrVersion || model.IrVersion <= 0)
        {
            missing.Add("ir_version");
        }

        if (model.Graph is null)
        {
            missing.Add("graph");
        }

        if (model.OpsetImport.Count == 0)
        {
            missing.Add("opset_import");
        }

        if (missing.Count > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelNotOnnx,
                $"'{path}' is not a valid ONNX model: it lacks {string.Join(", ", missing)} (truncated file or another format?).",
                location);
        }

        var file = new OnnxModelFile(model, path);
        file.ValidateExternalReferences();
        return file;
    }

    /// <summary>Wraps a model built in memory; <paramref name="path"/> is where it would be saved.</summary>
    public static OnnxModelFile FromModel(ModelProto model, string path) => new(model, path);

    /// <summary>The tensor's data as little-endian bytes: raw_data, typed fields, or the external file.</summary>
    public ReadOnlyMemory<byte> ReadTensorBytes(TensorProto tensor)
    {
        var type = (OnnxDataType)tensor.DataType;
        var expected = ExpectedByteLength(tensor);
        if (ExternalDataReference.IsExternal(tensor))
        {
            var reference = ExternalDataReference.Parse(tensor, Path);
            var length = reference.Length ?? expected;
            if (length is null)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ExternalDataReferenceInvalid,
                    $"Tensor '{tensor.Name}' has no external-data length and element type {type} has no fixed size.",
                    new SourceLocation(Path));
            }

            if (expected is { } e && e != length)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ExternalDataReferenceInvalid,
                    $"Tensor '{tensor.Name}' of shape [{string.Join(",", tensor.Dims)}] {type} needs {e:N0} bytes but its external-data length is {length:N0}.",
                    new SourceLocation(Path));
            }

            return ExternalDataFile.Read(Folder, reference with { Length = length }, tensor.Name, Path);
        }

        if (tensor.HasRawData)
        {
            CheckLength(tensor, expected, tensor.RawData.Length);
            return tensor.RawData.Memory;
        }

        byte[] bytes = type switch
        {
            OnnxDataType.Float => MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).ToArray(),
            OnnxDataType.Double => MemoryMarshal.AsBytes(tensor.DoubleData.ToArray().AsSpan()).ToArray(),
            OnnxDataType.Int64 => MemoryMarshal.AsBytes(tensor.Int64Data.ToArray().AsSpan()).ToArray(),
            OnnxDataType.Int32 => MemoryMarshal.AsBytes(tensor.Int32Data.ToArray().AsSpan()).ToArray(),
            OnnxDataType.Float16 or OnnxDataType.BFloat16 => tensor.Int32Data.SelectMany(v => BitConverter.GetBytes((ushort)v)).ToArray(),
            _ => throw GacException.Create(
                DiagnosticCatalogue.TensorDataUnsupported,
                $"Tensor '{tensor.Name}' stores {type} data in a typed field the reader does not support.",
                new SourceLocation(Path)),
        };
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        }

        CheckLength(tensor, expected, bytes.Length);
        return bytes;
    }

    /// <summary>A float32, float16 or bfloat16 tensor's values as float32 (exactly: both widen without rounding).</summary>
    public float[] ReadFloats(TensorProto tensor)
    {
        var bytes = ReadTensorBytes(tensor).Span;
        switch ((OnnxDataType)tensor.DataType)
        {
            case OnnxDataType.Float:
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case OnnxDataType.Float16:
                var halves = new float[bytes.Length / 2];
                for (var i = 0; i < halves.Length; i++)
                {
                    halves[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                }

                return halves;
            case OnnxDataType.BFloat16:
                var brains = new float[bytes.Length / 2];
                for (var i = 0; i < brains.Length; i++)
                {
                    brains[i] = BFloat16Bits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                }

                return brains;
            default:
                throw GacException.Create(
                    DiagnosticCatalogue.TensorDataUnsupported,
                    $"Tensor '{tensor.Name}' is {(OnnxDataType)tensor.DataType}; expected float32, float16 or bfloat16 weights.",
                    new SourceLocation(Path));
        }
    }

    /// <summary>Brings every external tensor into the model as raw_data (the model no longer needs its data files).</summary>
    public void LoadExternalData()
    {
        foreach (var tensor in OnnxTensors.EnumerateAll(Model).Where(ExternalDataReference.IsExternal).ToList())
        {
            var bytes = ReadTensorBytes(tensor);
            tensor.ExternalData.Clear();
            tensor.ClearDataLocation();
            tensor.RawData = ByteString.CopyFrom(bytes.Span);
        }
    }

    /// <summary>Writes the model; see <see cref="OnnxSaveOptions"/> for single-file vs external data.</summary>
    public void Save(string path, OnnxSaveOptions? options = null) => OnnxModelWriter.Write(this, path, options ?? OnnxSaveOptions.Default);

    /// <summary>Bytes a tensor's data must have, or null when the type has no fixed element size.</summary>
    internal static long? ExpectedByteLength(TensorProto tensor)
        => ((OnnxDataType)tensor.DataType).ElementSize() is { } size ? OnnxTensors.ElementCount(tensor.Dims) * size : null;

    private void CheckLength(TensorProto tensor, long? expected, long actual)
    {
        if (expected is { } e && e != actual)
        {
            throw GacException.Create(
                DiagnosticCatalogue.TensorDataUnsupported,
                $"Tensor '{tensor.Name}' of shape [{string.Join(",", tensor.Dims)}] {(OnnxDataType)tensor.DataType} needs {e:N0} bytes but holds {actual:N0}.",
                new SourceLocation(Path));
        }
    }

    /// <summary>The length of the file a data location names, links followed (a link's own length is that of its target text).</summary>
    private long DataFileLength(string dataPath, ExternalDataReference reference, string tensorName, SourceLocation dataLocation)
    {
        try
        {
            using var handle = File.OpenHandle(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return RandomAccess.GetLength(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missing file is the model's fault (it names a file that is not there); anything else is the file system's.
            var (code, message) = e is FileNotFoundException or DirectoryNotFoundException
                ? (DiagnosticCatalogue.ExternalDataMissing,
                    $"Tensor '{tensorName}' of '{Path}' stores its data in '{reference.Location}', which does not exist in '{Folder.FullPath}'.")
                : (DiagnosticCatalogue.ModelFileUnreadable, $"Cannot open external data '{reference.Location}' of tensor '{tensorName}': {e.Message}");
            throw GacException.Create(code, message, dataLocation, e);
        }
    }

    /// <summary>
    /// Every external reference stays in the folder (GAC1005), names a file that exists (GAC1006),
    /// fits inside it (GAC1007) and has the tensor's byte length (GAC1008). Only file sizes are read,
    /// so `audit` and `check` stay cheap yet fail on a short or missing .data file, naming it, instead
    /// of ONNX Runtime failing later without a file name.
    /// </summary>
    private void ValidateExternalReferences()
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tensor in OnnxTensors.EnumerateAll(Model).Where(ExternalDataReference.IsExternal))
        {
            var reference = ExternalDataReference.Parse(tensor, Path);
            var dataPath = Folder.Resolve(reference.Location, tensor.Name);
            var dataLocation = new SourceLocation(dataPath);
            if (!sizes.TryGetValue(dataPath, out var size))
            {
                size = DataFileLength(dataPath, reference, tensor.Name, dataLocation);
                sizes[dataPath] = size;
            }

            var expected = ExpectedByteLength(tensor);
            if (reference.Length is { } declared && expected is { } needed && declared != needed)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ExternalDataReferenceInvalid,
                    $"Tensor '{tensor.Name}' of shape [{string.Join(",", tensor.Dims)}] {(OnnxDataType)tensor.DataType} needs {needed:N0} bytes but its " +
                        $"external-data length in '{reference.Location}' is {declared:N0}.",
                    new SourceLocation(Path));
            }

            var end = reference.Offset + (reference.Length ?? expected ?? 0);
            if (end > size)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ExternalDataTruncated,
                    $"Tensor '{tensor.Name}' of '{Path}' needs bytes {reference.Offset:N0}..{end:N0} of '{reference.Location}', which has only {size:N0}: " +
                        $"the data file is truncated or belongs to another model.",
                    dataLocation);
            }
        }
    }
}
