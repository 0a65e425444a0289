using System.Buffers.Binary;
using System.Text.Json;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Writes float32 tensors in the safetensors format (github.com/huggingface/safetensors, README
/// "Format"): an 8-byte little-endian header length N, N bytes of JSON mapping each name to
/// dtype / shape / [begin, end) byte offsets into the data that follows, then the raw little-endian
/// data. The header is padded with spaces to a multiple of 8 so the data starts aligned.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Tensors are written in the given order, back to back. "__metadata__": {"format": "pt"} is
    /// included because transformers' from_pretrained refuses a safetensors file without it.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape, float[] Data)> tensors)
    {
        var header = Header(tensors);
        var padded = (header.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(header);
        for (var i = header.Length; i < padded; i++)
        {
            file.WriteByte((byte)' ');
        }
        foreach (var (_, _, data) in tensors)
        {
            var bytes = new byte[data.Length * sizeof(float)];
            for (var i = 0; i < data.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
            }
            file.Write(bytes);
        }
    }

    private static byte[] Header(IReadOnlyList<(string Name, long[] Shape, float[] Data)> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            var offset = 0L;
            foreach (var (name, shape, data) in tensors)
            {
                if (shape.Aggregate(1L, (a, d) => a * d) != data.Length)
                {
                    throw new ArgumentException($"tensor {name}: shape [{string.Join(", ", shape)}] does not hold {data.Length} values.");
                }
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += data.Length * (long)sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
