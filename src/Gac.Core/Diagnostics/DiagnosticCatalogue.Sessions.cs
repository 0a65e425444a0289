namespace Gac.Core.Diagnostics;

/// <summary>Reading what an ONNX Runtime session returns.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor OutputTypeUnreadable = new(
        "GAC4030", "Model output type cannot be read",
        "A step reads a model output as numbers (calibration taps, fidelity) and the output is neither float32 nor float16.",
        "Export the model so the outputs gac-build reads (the compared output, the activation taps) are float32 or float16.");
}
