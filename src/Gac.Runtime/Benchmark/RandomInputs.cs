using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// Seeded random inputs shaped from a model's input metadata and a shape bucket, valid by
/// construction. Floats are uniform in [-1, 1). Integer inputs follow their domain (read from the
/// graph, <see cref="InputDomains"/>): ids uniform below the row count of the table they index,
/// masks 1, token types 0, positions 0 … seq−1 along the last axis. An integer input with no known
/// domain is refused (GAC4020), never filled with guesses.
/// </summary>
public static class RandomInputs
{
    public static InputSet Create(SessionSignature model, ShapeBucket bucket, int seed, InputDomains domains)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(domains);
        var symbols = model.Inputs.SelectMany(m => m.SymbolicDimensions).Where(d => !string.IsNullOrEmpty(d)).ToHashSet(StringComparer.Ordinal);
        var unknown = bucket.Dimensions.Keys.Where(k => !symbols.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            // A misspelt name would leave its dim to another value and time another workload than asked.
            throw GacException.Create(
                DiagnosticCatalogue.DimensionNameUnknown,
                $"Shape bucket '{bucket.Name}' names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which no input of the model has; its symbolic dims " +
                    $"are {(symbols.Count == 0 ? "none" : string.Join(", ", symbols))}.");
        }

        var random = new Random(seed);
        return new InputSet(model.Inputs.Select(input => CreateTensor(input.Name, input.Element, ResolveShape(input, bucket), random, domains)).ToList());
    }

    public static long[] ResolveShape(SessionInput input, ShapeBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(bucket);
        var shape = new long[input.Rank];
        for (var i = 0; i < shape.Length; i++)
        {
            if (input.Dimensions[i] > 0)
            {
                shape[i] = input.Dimensions[i];
                continue;
            }

            var symbol = input.Symbol(i);
            if (string.IsNullOrEmpty(symbol) || !bucket.Dimensions.TryGetValue(symbol, out var value))
            {
                throw GacException.Create(
                    DiagnosticCatalogue.UnboundSymbolicDimension,
                    $"Input '{input.Name}' dimension {i} is symbolic ('{(string.IsNullOrEmpty(symbol) ? "unnamed" : symbol)}') and shape bucket " +
                        $"'{bucket.Name}' gives it no value.");
            }

            shape[i] = value;
        }

        return shape;
    }

    private static InputTensor CreateTensor(string name, OnnxDataType type, long[] shape, Random random, InputDomains domains)
    {
        // In double, so a huge shape cannot overflow before it is refused; .NET arrays stop at 2^31 elements.
        var elements = shape.Aggregate(1.0, (a, b) => a * b);
        if (elements > Array.MaxLength)
        {
            throw GacException.Create(
                DiagnosticCatalogue.DimensionTooLarge,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Input '{name}' of shape [{string.Join(", ", shape)}] would hold " +
                    $"{elements:0.###e0} elements, more than the {Array.MaxLength:N0} one input may hold; use a smaller shape."));
        }

        var count = (int)elements;
        switch (type)
        {
            case OnnxDataType.Float:
                {
                    var data = new float[count];
                    for (var i = 0; i < count; i++)
                    {
                        data[i] = (float)(random.NextDouble() * 2 - 1);
                    }

                    return InputTensor.Of(name, data, shape);
                }

            case OnnxDataType.Float16:
                {
                    // fp16 models (the CUDA path) take fp16 inputs: ORT does not cast at the graph boundary.
                    var data = new Half[count];
                    for (var i = 0; i < count; i++)
                    {
                        data[i] = (Half)(random.NextDouble() * 2 - 1);
                    }

                    return InputTensor.Of(name, data, shape);
                }

            case OnnxDataType.Int64:
                return InputTensor.Of(name, IntegerValues(name, shape, count, random, domains), shape);

            case OnnxDataType.Int32:
                return InputTensor.Of(name, IntegerValues(name, shape, count, random, domains).Select(v => (int)v).ToArray(), shape);

            default:
                throw GacException.Create(DiagnosticCatalogue.UnsupportedInputType, $"Input '{name}' has element type {type}; random inputs exist for " +
                    $"float32, float16, int64 and int32 only.");
        }
    }

    private static long[] IntegerValues(string name, long[] shape, int count, Random random, InputDomains domains)
    {
        var domain = domains.For(name);
        var lastAxis = shape.Length == 0 ? 1 : Math.Max(1, shape[^1]);
        switch (domain?.Kind)
        {
            case IntegerInputKind.Ones:
                return Enumerable.Repeat(1L, count).ToArray();
            case IntegerInputKind.Zeros:
                return new long[count];
            case IntegerInputKind.Positions:
                if (domain.Rows > 0 && lastAxis > domain.Rows)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.PositionsExceedTable,
                        $"Input '{name}' holds positions 0 … {lastAxis - 1}, but the table it indexes ('{domain.Table}') has {domain.Rows} rows.");
                }

                return Enumerable.Range(0, count).Select(i => i % lastAxis).ToArray();
            case IntegerInputKind.Ids when domain.Rows > 0:
                return Enumerable.Range(0, count).Select(_ => random.NextInt64(0, domain.Rows)).ToArray();
            default:
                throw GacException.Create(
                    DiagnosticCatalogue.IntegerInputUnbounded,
                    $"Input '{name}' is an integer input that indexes no constant table in the graph, and its name says it is no mask, token-type or " +
                        $"position input; its valid values are unknown. Give them with calibration.inputs (min/max), calibration.npy or calibration.tokens.");
        }
    }
}
