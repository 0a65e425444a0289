using Gac.Core.Model;
using Gac.Pipeline.Inspection;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

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
        SessionSignature model,
        IReadOnlyDictionary<string, long> given,
        ICollection<string>? defaulted = null,
        IReadOnlyDictionary<string, IReadOnlyList<long>>? knownShapes = null,
        string where = "calibration.dims")
        => new(DimBinding.Bind(HeaderOf(model), given, knownShapes, where, defaulted));

    /// <summary>ONNX Runtime's view of the inputs; its element-type numbers are ONNX's.</summary>
    private static ModelHeader HeaderOf(SessionSignature model)
        => new(
            model.Inputs.Select(m => new ModelInput(
                m.Name,
                (OnnxDataType)(int)m.Element,
                m.Dimensions.Select((d, i) => d > 0 ? new InputDim(d, null) : new InputDim(null, m.Symbol(i))).ToList())).ToList(),
            VocabularySize: null);
}
