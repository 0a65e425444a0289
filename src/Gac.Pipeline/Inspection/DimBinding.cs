using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Inspection;

/// <summary>
/// Gives every symbolic input dimension a value. The spec's values win (calibration.dims, a
/// validation.shapes entry), then the concrete shapes of calibration.inputs and calibration.npy (axis by axis). Only two
/// names have a default, because only they have an obvious one: a batch-like dim is 1, and a k/v-cache
/// length ("past_sequence", Optimum's "past_sequence_length") is 0, an empty cache, i.e. a prefill.
/// Any other unbound dim, and any given name the model does not have, is refused, naming the model's dims:
/// a guessed sequence length or image size would silently measure another workload.
/// </summary>
public static class DimBinding
{
    public const long DefaultBatch = 1;

    /// <summary>A decode-ready language model's cache length: empty, so the model runs as a prefill of seq tokens.</summary>
    public const long DefaultPastLength = 0;

    /// <summary>Above this many elements one input tensor is refused (2^31: 8 GiB of float32), before anything is allocated.</summary>
    public const long MaxInputElements = 1L << 31;

    public static bool IsBatch(string symbol) => symbol.Contains("batch", StringComparison.OrdinalIgnoreCase);

    /// <summary>"past_sequence" (ours), "past_sequence_length" (Optimum) and the like; not a sum that starts with one.</summary>
    public static bool IsPastLength(string symbol) => symbol.StartsWith("past", StringComparison.OrdinalIgnoreCase) && !IsSum(symbol);

    /// <summary>
    /// A dim named as the sum of others, "past_sequence + seq" (the attention mask and the present
    /// k/v of our export): its value follows from its terms, never given on its own.
    /// </summary>
    public static bool IsSum(string symbol) => symbol.Contains('+', StringComparison.Ordinal);

    /// <param name="where">The spec key the values came from, for messages ("calibration.dims").</param>
    /// <param name="defaulted">Receives "name=value" for each default used.</param>
    public static IReadOnlyDictionary<string, long> Bind(
        ModelHeader model,
        IReadOnlyDictionary<string, long> given,
        IReadOnlyDictionary<string, IReadOnlyList<long>>? knownShapes,
        string where,
        ICollection<string>? defaulted = null)
    {
        var symbols = model.SymbolicDims;
        var unknown = given.Keys.Where(k => !symbols.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.DimensionNameUnknown,
                $"{where} names {Names(unknown)}, which no input of the model has; the model's symbolic dims are {model.DescribeSymbolicDims()}.");
        }

        var dims = new Dictionary<string, long>(given, StringComparer.Ordinal);
        foreach (var input in model.Inputs)
        {
            var shape = knownShapes?.GetValueOrDefault(input.Name);
            for (var axis = 0; shape is not null && axis < Math.Min(shape.Count, input.Dims.Count); axis++)
            {
                if (input.Dims[axis].Symbol is { Length: > 0 } symbol)
                {
                    dims.TryAdd(symbol, shape[axis]);
                }
            }
        }

        var unbound = new List<string>();
        foreach (var symbol in symbols.Where(s => !dims.ContainsKey(s) && !IsSum(s)))
        {
            if (IsBatch(symbol) || IsPastLength(symbol))
            {
                dims[symbol] = IsBatch(symbol) ? DefaultBatch : DefaultPastLength;
                defaulted?.Add(string.Create(CultureInfo.InvariantCulture, $"{symbol}={dims[symbol]}"));
            }
            else
            {
                unbound.Add(symbol);
            }
        }

        foreach (var symbol in symbols.Where(IsSum))
        {
            var total = SumOf(symbol, dims);
            if (total is null)
            {
                unbound.Add(symbol);
            }
            else if (!dims.TryAdd(symbol, total.Value) && dims[symbol] != total.Value)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.UnboundSymbolicDimension,
                    string.Create(CultureInfo.InvariantCulture, $"{where} gives '{symbol}' = {dims[symbol]}, but its terms add up to {total.Value}; leave it out (it follows from them)."));
            }
        }

        if (unbound.Count > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.UnboundSymbolicDimension,
                $"{where} gives no value for {Names(unbound)}; only a batch dim (1) and a k/v-cache length (0) have defaults. The model's symbolic dims are {model.DescribeSymbolicDims()}; set e.g. calibration.dims: {{ {string.Join(", ", symbols.Where(s => !IsSum(s)).Select(s => $"{s}: {(IsBatch(s) ? "1" : IsPastLength(s) ? "0" : "N")}"))} }}.");
        }

        foreach (var input in model.Inputs)
        {
            var elements = 1.0;
            foreach (var dim in input.Dims)
            {
                elements *= dim.Size ?? (dim.Symbol is { Length: > 0 } s ? dims[s] : 1);
            }

            if (elements > MaxInputElements)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.DimensionTooLarge,
                    string.Create(CultureInfo.InvariantCulture, $"{where} makes input '{input.Name}' [{string.Join(", ", input.Dims.Select(d => d.Size ?? (d.Symbol is { Length: > 0 } s ? dims[s] : 1)))}] hold {elements:0.###e0} elements, above the {MaxInputElements:N0} gac-build allocates for one input."));
            }
        }

        return dims;
    }

    /// <summary>
    /// The concrete shapes the calibration source fixes: calibration.inputs' shapes and the .npy
    /// arrays' shapes (header only), by input name. They bind the symbolic dims at their axes.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<long>> KnownShapes(CalibrationSpec calibration)
    {
        var shapes = new Dictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        foreach (var input in calibration.Inputs)
        {
            shapes.TryAdd(input.Name, input.Shape);
        }

        if (calibration.Source == CalibrationSource.Npy)
        {
            foreach (var (name, path) in calibration.Npy)
            {
                shapes.TryAdd(name, Core.Calibration.NpyArray.Load(path.FullPath).Shape);
            }
        }

        return shapes;
    }

    /// <summary>The sum of a "a + b" dim's terms (names bound in <paramref name="dims"/>, or integers); null when a term is unbound.</summary>
    private static long? SumOf(string symbol, IReadOnlyDictionary<string, long> dims)
    {
        long total = 0;
        foreach (var term in symbol.Split('+', StringSplitOptions.TrimEntries))
        {
            if (dims.TryGetValue(term, out var value) || long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                total += value;
            }
            else
            {
                return null;
            }
        }

        return total;
    }

    private static string Names(IReadOnlyList<string> names)
        => names.Count == 1 ? $"dim '{names[0]}'" : $"dims {string.Join(", ", names.Select(n => $"'{n}'"))}";
}
