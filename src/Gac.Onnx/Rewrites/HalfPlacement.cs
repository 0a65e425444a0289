using Gac.Core.Model;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// A rewrite's new float32 weight (a low-rank factor) headed for a float16 / bfloat16 artifact: stored in that type
/// the moment it is made, exactly as <see cref="Fp16Conversion"/> would store it later (same rounding, same size
/// threshold), and recorded in <see cref="ExternalDataBuilder.HalfStored"/> so the conversion reads it as the float32
/// weight it stands for. A weight the type cannot hold (beyond ±65504 in float16) stays float32 here, and the
/// conversion refuses it as it refuses any such weight (GAC3050 / GAC3070).
/// </summary>
internal static class HalfPlacement
{
    public static void Place(ExternalDataBuilder? data, TensorProto tensor)
    {
        if (data is null)
        {
            return;
        }

        if (data.HalfType is { } type && tensor.DataType == (int)OnnxDataType.Float && tensor.HasRawData && !ExternalDataReference.IsExternal(tensor)
            && OnnxTensors.ElementCount(tensor.Dims) >= Fp16ConversionOptions.Default.MinimumElements)
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span);
            var fits = true;
            foreach (var value in values)
            {
                fits &= !Fp16Conversion.OutOfRange(value, type);
            }

            if (fits)
            {
                var half = WeightTensors.Create(tensor.Name, values.ToArray(), type, [.. tensor.Dims]);
                tensor.DataType = half.DataType;
                tensor.RawData = half.RawData;
                data.HalfStored.Add(tensor.Name);
            }
        }

        data.Place(tensor);
    }
}
