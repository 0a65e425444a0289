namespace Gac.Core.Model;

/// <summary>
/// ONNX tensor element types, with the numbers the format stores in TensorProto.data_type, which ONNX
/// Runtime's element types follow. One type for the ONNX reader and the runtime alike, so a model's
/// inputs read the same whichever layer looked at them.
/// </summary>
public enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3Fn = 17,
    Float8E4M3Fnuz = 18,
    Float8E5M2 = 19,
    Float8E5M2Fnuz = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
}

public static class OnnxDataTypeExtensions
{
    /// <summary>
    /// Bytes per element in raw_data, or null when elements are not whole bytes (4-bit types) or
    /// have no fixed size (strings).
    /// </summary>
    public static int? ElementSize(this OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.Float8E4M3Fn or OnnxDataType.Float8E4M3Fnuz => 1,
        OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2Fnuz => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Double or OnnxDataType.Complex64 => 8,
        OnnxDataType.Complex128 => 16,
        _ => null,
    };
}
