namespace Gac.Runtime.Profiling;

/// <summary>Element type of a probe's input and weights; the staircase records it ("fp32" / "fp16").</summary>
public enum ProbeDataType
{
    Float32,

    /// <summary>What GPU inference runs on tensor cores; ORT's CPU provider runs it too, but CPU timings say nothing about tensor cores.</summary>
    Float16,
}

public static class ProbeDataTypes
{
    public static string Label(this ProbeDataType type) => type == ProbeDataType.Float16 ? "fp16" : "fp32";

    /// <summary>"fp32"/"float32"/"float" or "fp16"/"float16"/"half"; throws <see cref="FormatException"/>.</summary>
    public static ProbeDataType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "float" => ProbeDataType.Float32,
        "fp16" or "float16" or "half" => ProbeDataType.Float16,
        _ => throw new FormatException($"Data type '{text}' is not fp32 or fp16."),
    };
}
