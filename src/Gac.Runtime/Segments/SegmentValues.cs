using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Segments;

/// <summary>The tensors of one segment run for one batch — its inputs and its outputs — by name; valid only inside the callback that receives it.</summary>
public sealed class SegmentValues
{
    private readonly IReadOnlyDictionary<string, OrtValue> _values;

    internal SegmentValues(int batch, IReadOnlyDictionary<string, OrtValue> values)
    {
        Batch = batch;
        _values = values;
    }

    /// <summary>Which calibration or held-out batch these values belong to (0-based, in feed order).</summary>
    public int Batch { get; }

    public bool Contains(string name) => _values.ContainsKey(name);

    public OnnxDataType Element(string name) => (OnnxDataType)(int)Value(name).GetTensorTypeAndShape().ElementDataType;

    public long[] Shape(string name) => Value(name).GetTensorTypeAndShape().Shape;

    /// <summary>
    /// The tensor as float32: a float32 tensor in place, float16 and bfloat16 widened exactly into a new
    /// array; any other type is refused (GAC4030), as for a whole-model session's outputs.
    /// </summary>
    public ReadOnlySpan<float> Floats(string name)
    {
        var value = Value(name);
        return Element(name) switch
        {
            OnnxDataType.Float => value.GetTensorDataAsSpan<float>(),
            OnnxDataType.Float16 => Widen(Bits(value), bits => (float)BitConverter.UInt16BitsToHalf(bits)),
            OnnxDataType.BFloat16 => Widen(Bits(value), bits => BitConverter.Int32BitsToSingle(bits << 16)),
            var other => throw GacException.Create(
                DiagnosticCatalogue.OutputTypeUnreadable,
                $"Tensor '{name}' is {other}; only float32, float16 and bfloat16 tensors are read."),
        };
    }

    /// <summary>A copy of the tensor that outlives this callback (its bytes, element type and shape).</summary>
    public RecordedTensor Record(string name) => RecordedTensor.Of(name, Value(name));

    private OrtValue Value(string name)
        => _values.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No tensor '{name}' in this segment's run.");

    private static ReadOnlySpan<ushort> Bits(OrtValue value)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(value.GetTensorMutableRawData());

    private static float[] Widen(ReadOnlySpan<ushort> bits, Func<ushort, float> widen)
    {
        var result = new float[bits.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            result[i] = widen(bits[i]);
        }

        return result;
    }
}
