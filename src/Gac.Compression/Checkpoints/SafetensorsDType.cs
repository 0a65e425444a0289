namespace Gac.Compression.Checkpoints;

/// <summary>The element types of the safetensors format (its README's dtype list) and their sizes.</summary>
public static class SafetensorsDType
{
    public const string F32 = "F32";
    public const string F16 = "F16";
    public const string BF16 = "BF16";

    /// <summary>Bytes per element, or null for a dtype name the format does not define.</summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    /// <summary>The dtypes read as float32.</summary>
    public static bool IsReadable(string dtype) => dtype is F32 or F16 or BF16;
}
