using Gac.Onnx;
using Gac.Pipeline.Inspection;
using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Binds a loaded model's symbolic input dimensions by <see cref="DimBinding"/>'s rules: the spec's
/// values, then the shapes calibration.inputs and calibration.npy fix, then 1 for a batch dim and 0 for a k/v-cache length; any
/// other unbound dim, or a name the model lacks, is a GAC4005 / GAC0071 error naming the model's dims.
/// </summary>
public static class ShapeBuckets
{
    /// <summary>"past_sequence" (ours), "past_sequence_length" (Optimum) and the like.</summary>
    public static bool IsPastLength(string symbol) => DimBinding.IsPastLength(symbol);

    public static ShapeBucket Complete(
        InferenceSession session,
        IReadOnlyDictionary<string, long> given,
        ICollection<string>? defaulted = null,
        IReadOnlyDictionary<string, IReadOnlyList<long>>? knownShapes = null,
        string where = "calibration.dims")
        => new(DimBinding.Bind(HeaderOf(session), given, knownShapes, where, defaulted));

    /// <summary>ONNX Runtime's view of the inputs; its element-type numbers are ONNX's.</summary>
    private static ModelHeader HeaderOf(InferenceSession session)
        => new(
            session.InputMetadata.Select(m => new ModelInput(
                m.Key,
                (OnnxDataType)(int)m.Value.ElementDataType,
                m.Value.Dimensions.Select((d, i) => d > 0
                    ? new InputDim(d, null)
                    : new InputDim(null, i < m.Value.SymbolicDimensions.Length ? m.Value.SymbolicDimensions[i] : string.Empty)).ToList())).ToList(),
            VocabularySize: null);
}
