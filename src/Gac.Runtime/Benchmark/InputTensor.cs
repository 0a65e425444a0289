using System.Runtime.InteropServices;
using Gac.Core.Model;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// One named input tensor in CPU memory, built without ONNX Runtime types: the data array and its
/// shape. ONNX Runtime reads the array in place when the set runs (<see cref="InputSet"/>); fp16
/// data is given as <see cref="Half"/> and reinterpreted bit for bit.
/// </summary>
public sealed class InputTensor
{
    private readonly Array _data;

    private InputTensor(string name, Array data, long[] shape, OnnxDataType element)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        var elements = shape.Aggregate(1L, (a, d) => a * d);
        if (elements != data.Length)
        {
            throw new ArgumentException($"Input '{name}' has {data.Length} values but shape [{string.Join(", ", shape)}] holds {elements}.", nameof(shape));
        }

        Name = name;
        _data = data;
        Shape = shape;
        Element = element;
    }

    public string Name { get; }

    public long[] Shape { get; }

    public OnnxDataType Element { get; }

    public static InputTensor Of(string name, float[] data, long[] shape) => new(name, data, shape, OnnxDataType.Float);

    public static InputTensor Of(string name, Half[] data, long[] shape) => new(name, data, shape, OnnxDataType.Float16);

    public static InputTensor Of(string name, long[] data, long[] shape) => new(name, data, shape, OnnxDataType.Int64);

    public static InputTensor Of(string name, int[] data, long[] shape) => new(name, data, shape, OnnxDataType.Int32);

    /// <summary>The values of an int64 tensor (token ids, attention masks).</summary>
    public ReadOnlySpan<long> Int64Values => _data as long[] ?? throw new InvalidOperationException($"Input '{Name}' is {Element}, not Int64.");

    /// <summary>A value over the array (pinned, not copied; fp16 copied once into ONNX Runtime's Float16); the caller disposes it.</summary>
    internal OrtValue ToOrtValue() => _data switch
    {
        float[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        long[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        int[] values => OrtValue.CreateTensorValueFromMemory(values, Shape),
        Half[] values => OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<Half, Float16>(values).ToArray(), Shape),
        _ => throw new InvalidOperationException($"Input '{Name}' holds {_data.GetType().Name}."),
    };
}
