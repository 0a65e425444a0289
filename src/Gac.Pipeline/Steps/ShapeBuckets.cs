using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Binds a model's symbolic input dimensions. Values the spec gives win, then the concrete shapes of
/// <c>calibration.inputs</c> (position by position); any other symbolic dim gets a default (1 for a
/// batch-like name, 0 for a k/v-cache length such as "past_sequence" — an empty past, i.e. a prefill —
/// else 128, a prefill length that keeps CPU runs short) and the run records which defaults it used.
/// </summary>
public static class ShapeBuckets
{
    public const long DefaultBatch = 1;
    public const long DefaultLength = 128;

    /// <summary>A decode-ready language model's cache length: empty, so the model runs as a prefill of seq tokens.</summary>
    public const long DefaultPastLength = 0;

    /// <summary>"past_sequence" (ours), "past_sequence_length" (Optimum) and the like.</summary>
    public static bool IsPastLength(string symbol) => symbol.StartsWith("past", StringComparison.OrdinalIgnoreCase);

    public static ShapeBucket Complete(
        InferenceSession session,
        IReadOnlyDictionary<string, long> given,
        ICollection<string>? defaulted = null,
        IReadOnlyList<Core.Spec.CalibrationInput>? calibrationInputs = null)
    {
        var dims = new Dictionary<string, long>(given, StringComparer.Ordinal);
        foreach (var (name, metadata) in session.InputMetadata)
        {
            var shape = calibrationInputs?.FirstOrDefault(i => i.Name == name)?.Shape;
            for (var i = 0; shape is not null && i < Math.Min(shape.Count, metadata.SymbolicDimensions.Length); i++)
            {
                var symbol = metadata.SymbolicDimensions[i];
                if (metadata.Dimensions[i] <= 0 && !string.IsNullOrEmpty(symbol))
                {
                    dims.TryAdd(symbol, shape[i]);
                }
            }
        }

        foreach (var metadata in session.InputMetadata.Values)
        {
            for (var i = 0; i < metadata.Dimensions.Length; i++)
            {
                var symbol = i < metadata.SymbolicDimensions.Length ? metadata.SymbolicDimensions[i] : string.Empty;
                if (metadata.Dimensions[i] > 0 || string.IsNullOrEmpty(symbol) || dims.ContainsKey(symbol))
                {
                    continue;
                }

                dims[symbol] = symbol.Contains("batch", StringComparison.OrdinalIgnoreCase) ? DefaultBatch
                    : IsPastLength(symbol) ? DefaultPastLength
                    : DefaultLength;
                defaulted?.Add($"{symbol}={dims[symbol]}");
            }
        }

        return new ShapeBucket(dims);
    }
}
