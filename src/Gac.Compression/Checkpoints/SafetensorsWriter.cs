using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// Writes safetensors files and sharded checkpoints in the layout save_pretrained produces, for
/// tests and for training scripts that hand a checkpoint to gac-build.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        foreach (var t in tensors)
        {
            if (!SafetensorsDType.IsReadable(t.DType) || t.Shape.Aggregate(1L, (a, d) => a * d) != t.Values.Length)
            {
                throw new ArgumentException($"Tensor '{t.Name}': dtype {t.DType} must be F32/F16/BF16 and {t.Values.Length} values must fill " +
                    $"[{string.Join(", ", t.Shape)}].", nameof(tensors));
            }
        }

        var header = Header(tensors, metadata);
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var t in tensors)
            {
                WriteData(stream, t);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.CheckpointExportFailed, $"Cannot write '{path}': {e.Message}", new SourceLocation(path), e);
        }
    }

    /// <summary>
    /// Splits the tensors in order over <paramref name="shardCount"/> files named
    /// model-0000i-of-0000n.safetensors and writes model.safetensors.index.json beside them.
    /// </summary>
    public static void WriteSharded(string folder, IReadOnlyList<SafetensorsTensor> tensors, int shardCount,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var perShard = (tensors.Count + shardCount - 1) / shardCount;
        WriteShards(folder, Enumerable.Range(0, shardCount).Select(s => (IReadOnlyList<SafetensorsTensor>)tensors.Skip(s * perShard).Take(perShard).ToList()),
            shardCount, metadata);
    }

    /// <summary>
    /// Writes shard i of <paramref name="shardCount"/> as it is enumerated, so a checkpoint larger
    /// than memory is written holding one shard's tensors at a time, then the index.
    /// </summary>
    public static void WriteShards(string folder, IEnumerable<IReadOnlyList<SafetensorsTensor>> shards, int shardCount,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        Directory.CreateDirectory(folder);
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        var s = 0;
        foreach (var part in shards)
        {
            if (s == shardCount)
            {
                throw new ArgumentException($"More than the {shardCount} shards announced.", nameof(shards));
            }

            var name = $"model-{s + 1:D5}-of-{shardCount:D5}.safetensors";
            Write(Path.Combine(folder, name), part, metadata);
            foreach (var t in part)
            {
                weightMap[t.Name] = name;
                totalSize += t.Values.Length * (long)BytesPerElement(t.DType);
            }

            s++;
        }

        if (s != shardCount)
        {
            throw new ArgumentException($"{s} shards given, {shardCount} announced.", nameof(shards));
        }

        using var index = new FileStream(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), FileMode.Create, FileAccess.Write);
        using var json = new Utf8JsonWriter(index, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("metadata");
        json.WriteNumber("total_size", totalSize);
        json.WriteEndObject();
        json.WriteStartObject("weight_map");
        foreach (var (tensor, shard) in weightMap)
        {
            json.WriteString(tensor, shard);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static byte[] Header(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in tensors)
            {
                var bytes = t.Values.Length * (long)BytesPerElement(t.DType);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType);
                json.WriteStartArray("shape");
                foreach (var d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        // The reference writer pads the header with spaces to a multiple of 8 so the data starts aligned.
        var header = buffer.ToArray().ToList();
        while ((header.Count + 8) % 8 != 0)
        {
            header.Add((byte)' ');
        }

        return [.. header];
    }

    private static void WriteData(Stream stream, SafetensorsTensor t)
    {
        if (t.DType == SafetensorsDType.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(t.Values.AsSpan()));
            return;
        }

        var bytes = new byte[2 * t.Values.Length];
        for (var i = 0; i < t.Values.Length; i++)
        {
            var bits = t.DType == SafetensorsDType.F16 ? HalfPrecision.SingleToFloat16(t.Values[i]) : HalfPrecision.SingleToBFloat16(t.Values[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), bits);
        }

        stream.Write(bytes);
    }

    private static int BytesPerElement(string dtype) => SafetensorsDType.ElementSize(dtype) ?? throw new ArgumentException($"Unknown dtype {dtype}.",
        nameof(dtype));
}
