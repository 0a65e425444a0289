namespace Gac.Core.Diagnostics;

public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor NoCompressibleLayers = new(
        "GAC1102", "No compressible layer",
        "The model has no MatMul or Gemm whose weight is a constant 2-D tensor, so there is nothing to compress.",
        "Check that the model's weights are stored in the file (initializers, Constant nodes or external data), not fed as inputs.");


    public static readonly DiagnosticDescriptor CalibrationInputMismatch = new(
        "GAC1601", "Calibration input does not fit the model",
        "calibration.inputs names an input the model does not have, or gives a shape the model rejects.",
        "List the model's inputs with their shapes and make calibration.inputs match them (names, ranks, fixed dims).");

    public static readonly DiagnosticDescriptor CalibrationDataUnsupported = new(
        "GAC1602", "Calibration data source not supported for this model",
        "The calibration source cannot feed this model (for example token ids for a model without an integer input).",
        "Use calibration.inputs (a seeded generator per input) or leave calibration empty to generate inputs from the model.");

    public static readonly DiagnosticDescriptor PruningNotAvailable = new(
        "GAC2501", "Pruning not available for this model",
        "compress.method is prune, and the model's attention or MLP groups could not be found or rewritten.",
        "Use method asvd or svd, or check `gac-build audit` lists attention and MLP groups for the model.");

    public static readonly DiagnosticDescriptor CalibrationDataMalformed = new(
        "GAC1603", "Calibration data file malformed",
        "A calibration file (.npy tensor or token-id text) cannot be read, is truncated, or has an unsupported type or layout.",
        "Save tensors with numpy.save as little-endian float32/float16/int64/int32 in C order; write token ids as whitespace-separated integers.");
}
