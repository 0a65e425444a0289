namespace Gac.Core.Diagnostics;

/// <summary>GAC3xxx: writing a model (ONNX file and its external data).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor ModelWriteFailed = new(
        "GAC3001", "Model file cannot be written",
        "The operating system refused to create, write or rename the output model or its data file.",
        "Check that the output folder exists, is writable and has enough free space.");

    public static readonly DiagnosticDescriptor ModelTooLargeToEmbed = new(
        "GAC3002", "Model too large for a single file",
        "Weights were asked to be embedded, but the model would reach protobuf's 2 GB message limit.",
        "Write the model with external data (the default chooses it automatically when needed).");

    public static readonly DiagnosticDescriptor ExternalDataFileNameInvalid = new(
        "GAC3003", "Invalid external data file name",
        "The requested external data file name is empty, a path, or names the model file itself.",
        "Give a plain file name such as 'model.onnx.data'; it is written beside the model.");
}
