namespace Gac.Compression.Checkpoints;

/// <summary>One tensor of a safetensors header: its dtype, shape and byte range in the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public long ByteLength => End - Begin;
}
