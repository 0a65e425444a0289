namespace Gac.Compression.Checkpoints;

/// <summary>A tensor to write: float32 values, stored as <see cref="DType"/> (F32, F16 or BF16).</summary>
public sealed record SafetensorsTensor(string Name, IReadOnlyList<long> Shape, float[] Values, string DType = SafetensorsDType.F32);
