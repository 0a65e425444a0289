using Gac.Core.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// Seeded random inputs shaped from a model's input metadata and a shape bucket. Floats are uniform
/// in [-1, 1); integer inputs are token ids in [0, vocab), except inputs whose name says they are an
/// attention mask (all ones) or position ids (0 … seq−1 along the last axis), so language models see
/// valid values.
/// </summary>
public static class RandomInputs
{
    public static InputSet Create(InferenceSession session, ShapeBucket bucket, int seed, long vocabSize)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bucket);
        var symbols = session.InputMetadata.Values.SelectMany(m => m.SymbolicDimensions).Where(d => !string.IsNullOrEmpty(d)).ToHashSet(StringComparer.Ordinal);
        var unknown = bucket.Dimensions.Keys.Where(k => !symbols.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            // A misspelt name would leave its dim to another value and time another workload than asked.
            throw GacException.Create(
                DiagnosticCatalogue.DimensionNameUnknown,
                $"Shape bucket '{bucket.Name}' names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which no input of the model has; its symbolic dims are {(symbols.Count == 0 ? "none" : string.Join(", ", symbols))}.");
        }

        var random = new Random(seed);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, metadata) in session.InputMetadata)
            {
                var shape = ResolveShape(name, metadata, bucket);
                values.Add(CreateTensor(name, metadata.ElementDataType, shape, random, vocabSize));
                names.Add(name);
            }
        }
        catch
        {
            foreach (var value in values)
            {
                value.Dispose();
            }

            throw;
        }

        return new InputSet(names, values);
    }

    public static long[] ResolveShape(string input, NodeMetadata metadata, ShapeBucket bucket)
    {
        var shape = new long[metadata.Dimensions.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            if (metadata.Dimensions[i] > 0)
            {
                shape[i] = metadata.Dimensions[i];
                continue;
            }

            var symbol = i < metadata.SymbolicDimensions.Length ? metadata.SymbolicDimensions[i] : string.Empty;
            if (string.IsNullOrEmpty(symbol) || !bucket.Dimensions.TryGetValue(symbol, out var value))
            {
                throw GacException.Create(
                    DiagnosticCatalogue.UnboundSymbolicDimension,
                    $"Input '{input}' dimension {i} is symbolic ('{(string.IsNullOrEmpty(symbol) ? "unnamed" : symbol)}') and shape bucket '{bucket.Name}' gives it no value.");
            }

            shape[i] = value;
        }

        return shape;
    }

    private static OrtValue CreateTensor(string name, TensorElementType type, long[] shape, Random random, long vocabSize)
    {
        // In double, so a huge shape cannot overflow before it is refused; .NET arrays stop at 2^31 elements.
        var elements = shape.Aggregate(1.0, (a, b) => a * b);
        if (elements > Array.MaxLength)
        {
            throw GacException.Create(
                DiagnosticCatalogue.DimensionTooLarge,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Input '{name}' of shape [{string.Join(", ", shape)}] would hold {elements:0.###e0} elements, more than the {Array.MaxLength:N0} one input may hold; use a smaller shape."));
        }

        var count = (int)elements;
        switch (type)
        {
            case TensorElementType.Float:
            {
                var data = new float[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = (float)(random.NextDouble() * 2 - 1);
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            case TensorElementType.Float16:
            {
                // fp16 models (the CUDA path) take fp16 inputs: ORT does not cast at the graph boundary.
                var data = new Float16[count];
                for (var i = 0; i < count; i++)
                {
                    data[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)(random.NextDouble() * 2 - 1)));
                }

                return OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            case TensorElementType.Int64:
                return OrtValue.CreateTensorValueFromMemory(IntegerValues(name, shape, count, random, vocabSize), shape);

            case TensorElementType.Int32:
                return OrtValue.CreateTensorValueFromMemory(IntegerValues(name, shape, count, random, vocabSize).Select(v => (int)v).ToArray(), shape);

            default:
                throw GacException.Create(DiagnosticCatalogue.UnsupportedInputType, $"Input '{name}' has element type {type}; random inputs exist for float32, float16, int64 and int32 only.");
        }
    }

    private static long[] IntegerValues(string name, long[] shape, int count, Random random, long vocabSize)
    {
        var data = new long[count];
        var lastAxis = shape.Length == 0 ? 1 : Math.Max(1, shape[^1]);
        for (var i = 0; i < count; i++)
        {
            data[i] = name.Contains("mask", StringComparison.OrdinalIgnoreCase) ? 1
                : name.Contains("position", StringComparison.OrdinalIgnoreCase) ? i % lastAxis
                : random.NextInt64(0, Math.Max(1, vocabSize));
        }

        return data;
    }
}
