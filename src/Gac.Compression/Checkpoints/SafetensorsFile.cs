using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gac.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// One .safetensors file: an 8-byte little-endian header length N, N bytes of JSON
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}, then the raw
/// little-endian data, offsets relative to its start (huggingface/safetensors README). The header
/// is parsed and checked on open; tensor bytes are read one tensor at a time with positioned reads,
/// never the whole file.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The format caps the header at 100 MB to stop a corrupt length from allocating gigabytes.</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Converted in slices of this many elements, so F16/BF16 reads need only a small staging buffer.</summary>
    private const int ConversionChunk = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates a file; GAC1201 (unreadable), GAC1202 (header), GAC1203 (offsets).</summary>
    public static SafetensorsFile Open(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointFileUnreadable, $"Cannot open '{path}': {e.Message}", new SourceLocation(path), e);
        }

        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[8];
            if (length < 8 || ReadExactly(handle, prefix, 0, path) < 8)
            {
                throw Header(path, $"the file is {length} bytes, too short for the 8-byte header length.");
            }

            var headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix);
            if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > length - 8)
            {
                throw Header(path, $"the header length is {headerLength:N0} bytes but the file has {length - 8:N0} after the length (and the format allows " +
                    $"at most {MaxHeaderBytes:N0}).");
            }

            var header = new byte[headerLength];
            ReadExactly(handle, header, 8, path);
            var dataStart = 8 + headerLength;
            var (entries, metadata) = ParseHeader(header, path, length - dataStart);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The tensor as float32; F16 and BF16 are widened exactly. GAC1204 for other dtypes.</summary>
    public float[] ReadFloat32(string name)
    {
        var entry = Entries[name];
        if (!SafetensorsDType.IsReadable(entry.DType))
        {
            throw GacException.Create(
                DiagnosticCatalogue.SafetensorsDtypeUnsupported,
                $"Tensor '{name}' in '{Path}' is {entry.DType}; only F32, F16 and BF16 can be read.",
                new SourceLocation(Path));
        }

        var count = entry.ElementCount;
        if (count > Array.MaxLength)
        {
            throw GacException.Create(DiagnosticCatalogue.SafetensorsOffsetsInvalid, $"Tensor '{name}' in '{Path}' has {count:N0} elements, more than one " +
                $"array holds.", new SourceLocation(Path));
        }

        var values = GC.AllocateUninitializedArray<float>((int)count);
        var offset = _dataStart + entry.Begin;
        if (entry.DType == SafetensorsDType.F32)
        {
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("safetensors data is little-endian.");
            }

            ReadExactly(_handle, MemoryMarshal.AsBytes(values.AsSpan()), offset, Path);
            return values;
        }

        var staging = new byte[2 * Math.Min(ConversionChunk, values.Length)];
        for (var start = 0; start < values.Length; start += ConversionChunk)
        {
            var n = Math.Min(ConversionChunk, values.Length - start);
            var bytes = staging.AsSpan(0, 2 * n);
            ReadExactly(_handle, bytes, offset + (2L * start), Path);
            if (entry.DType == SafetensorsDType.F16)
            {
                HalfPrecision.Float16ToSingle(bytes, values.AsSpan(start, n));
            }
            else
            {
                HalfPrecision.BFloat16ToSingle(bytes, values.AsSpan(start, n));
            }
        }

        return values;
    }

    public void Dispose() => _handle.Dispose();

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(byte[] header, string path, long dataLength)
    {
        JsonDocument document;
        try
        {
            // The format allows trailing spaces as padding after the JSON object.
            document = JsonDocument.Parse(header.AsMemory(0, TrimmedLength(header)));
        }
        catch (JsonException e)
        {
            throw Header(path, $"the header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Header(path, "the header is not a JSON object.");
            }

            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var m in property.Value.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.String))
                        {
                            metadata[m.Name] = m.Value.GetString()!;
                        }
                    }

                    continue;
                }

                var entry = ParseEntry(property, path);
                Check(entry, path, dataLength);
                entries[entry.Name] = entry;
            }

            CheckCoverage(entries.Values, path, dataLength);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(JsonProperty property, string path)
    {
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Header(path, $"tensor '{property.Name}' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end]).");
        }

        var dims = new List<long>();
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0)
            {
                throw Header(path, $"tensor '{property.Name}' has shape {shape.GetRawText()}; dimensions must be non-negative integers.");
            }

            dims.Add(n);
        }

        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end))
        {
            throw Offsets(path, $"tensor '{property.Name}' has data_offsets {offsets.GetRawText()}; expected two integers.");
        }

        return new SafetensorsEntry(property.Name, dtype.GetString()!, dims, begin, end);
    }

    private static void Check(SafetensorsEntry entry, string path, long dataLength)
    {
        if (entry.Begin < 0 || entry.End < entry.Begin || entry.End > dataLength)
        {
            throw Offsets(path, $"tensor '{entry.Name}' has data_offsets [{entry.Begin}, {entry.End}] but the data section holds {dataLength:N0} bytes.");
        }

        if (SafetensorsDType.ElementSize(entry.DType) is { } size && entry.ElementCount * size != entry.ByteLength)
        {
            throw Offsets(path, $"tensor '{entry.Name}' is {entry.DType} [{string.Join(", ", entry.Shape)}] = {entry.ElementCount * size:N0} bytes, but its " +
                $"data_offsets span {entry.ByteLength:N0}.");
        }
    }

    /// <summary>
    /// The tensors must tile the data section: sorted by offset, each starts where the previous
    /// ended and the last ends at the end of the file. The reference loader (huggingface/safetensors,
    /// validate) enforces the same, so overlapping tensors cannot alias each other's bytes and a
    /// header cannot hide data or describe a file other than the one it heads.
    /// </summary>
    private static void CheckCoverage(IEnumerable<SafetensorsEntry> entries, string path, long dataLength)
    {
        var next = 0L;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Begin < next)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.SafetensorsTensorsOverlap,
                    $"'{System.IO.Path.GetFileName(path)}': tensors '{previous!.Name}' [{previous.Begin}, {previous.End}) and '{entry.Name}' [{entry.Begin}, " +
                        $"{entry.End}) share bytes {entry.Begin:N0}–{Math.Min(next, entry.End):N0} of the data section.",
                    new SourceLocation(path));
            }

            if (entry.Begin > next)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.SafetensorsDataNotCovered,
                    $"'{System.IO.Path.GetFileName(path)}': bytes [{next:N0}, {entry.Begin:N0}) of the data section, before tensor '{entry.Name}', belong to " +
                        $"no tensor.",
                    new SourceLocation(path));
            }

            next = entry.End;
            previous = entry;
        }

        if (next != dataLength)
        {
            throw GacException.Create(
                DiagnosticCatalogue.SafetensorsDataNotCovered,
                $"'{System.IO.Path.GetFileName(path)}': the header's tensors end at byte {next:N0} of the data section, but the file holds {dataLength:N0} " +
                    $"bytes after the header.",
                new SourceLocation(path));
        }
    }

    private static int TrimmedLength(byte[] header)
    {
        var n = header.Length;
        while (n > 0 && header[n - 1] is (byte)' ' or 0)
        {
            n--;
        }

        return n;
    }

    private static int ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer[read..], offset + read);
                if (n == 0)
                {
                    throw Offsets(path, $"the file ended at byte {offset + read:N0} while {buffer.Length - read:N0} more were expected.");
                }

                read += n;
            }
        }
        catch (IOException e)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointFileUnreadable, $"Cannot read '{path}': {e.Message}", new SourceLocation(path), e);
        }

        return read;
    }

    private static GacException Header(string path, string message)
        => GacException.Create(DiagnosticCatalogue.SafetensorsHeaderMalformed, $"'{System.IO.Path.GetFileName(path)}' is not a valid safetensors file: " +
            $"{message}", new SourceLocation(path));

    private static GacException Offsets(string path, string message)
        => GacException.Create(DiagnosticCatalogue.SafetensorsOffsetsInvalid, $"'{System.IO.Path.GetFileName(path)}': {message}", new SourceLocation(path));
}
