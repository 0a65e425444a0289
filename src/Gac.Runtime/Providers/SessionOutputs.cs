using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>The outputs one <see cref="OrtSession.Run"/> asked for, read as float32; valid until disposed.</summary>
public sealed class SessionOutputs : IDisposable
{
    private readonly IDisposableReadOnlyCollection<OrtValue> _values;
    private readonly IReadOnlyList<string> _names;

    internal SessionOutputs(IDisposableReadOnlyCollection<OrtValue> values, IReadOnlyList<string> names)
    {
        _values = values;
        _names = names;
    }

    public int Count => _values.Count;

    public OnnxDataType Element(int index) => (OnnxDataType)(int)_values[index].GetTensorTypeAndShape().ElementDataType;

    public long[] Shape(int index) => _values[index].GetTensorTypeAndShape().Shape;

    /// <summary>
    /// Output <paramref name="index"/> as float32: a float32 output in place (valid until disposed), a
    /// float16 one widened exactly into a new array; any other type is refused (GAC4030).
    /// </summary>
    public ReadOnlySpan<float> Floats(int index)
    {
        var value = _values[index];
        return Element(index) switch
        {
            OnnxDataType.Float => value.GetTensorDataAsSpan<float>(),
            OnnxDataType.Float16 => Widen(value.GetTensorDataAsSpan<Float16>()),
            var other => throw GacException.Create(
                DiagnosticCatalogue.OutputTypeUnreadable,
                $"Output '{_names[index]}' is {other}; only float32 and float16 outputs are read."),
        };
    }

    public void Dispose() => _values.Dispose();

    private static float[] Widen(ReadOnlySpan<Float16> values)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (float)BitConverter.UInt16BitsToHalf(values[i].value);
        }

        return result;
    }
}
