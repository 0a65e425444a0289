using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Binds a model's symbolic input dimensions. Values the spec gives win; any other symbolic dim gets
/// a default (1 for a batch-like name, else 128 — a prefill length that keeps CPU runs short) and
/// the run records which defaults it used.
/// </summary>
public static class ShapeBuckets
{
    public const long DefaultBatch = 1;
    public const long DefaultLength = 128;

    public static ShapeBucket Complete(InferenceSession session, IReadOnlyDictionary<string, long> given, ICollection<string>? defaulted = null)
    {
        var dims = new Dictionary<string, long>(given, StringComparer.Ordinal);
        foreach (var metadata in session.InputMetadata.Values)
        {
            for (var i = 0; i < metadata.Dimensions.Length; i++)
            {
                var symbol = i < metadata.SymbolicDimensions.Length ? metadata.SymbolicDimensions[i] : string.Empty;
                if (metadata.Dimensions[i] > 0 || string.IsNullOrEmpty(symbol) || dims.ContainsKey(symbol))
                {
                    continue;
                }

                dims[symbol] = symbol.Contains("batch", StringComparison.OrdinalIgnoreCase) ? DefaultBatch : DefaultLength;
                defaulted?.Add($"{symbol}={dims[symbol]}");
            }
        }

        return new ShapeBucket(dims);
    }
}
