namespace Gac.Core.Diagnostics;

/// <summary>GAC1xxx: reading a model (ONNX file, its external data, its graph).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor ModelFileNotFound = new(
        "GAC1001", "Model file not found",
        "The model path does not name an existing file.",
        "Check the path; relative paths are resolved against the current directory.");

    public static readonly DiagnosticDescriptor ModelFileUnreadable = new(
        "GAC1002", "Model file cannot be read",
        "The operating system refused to open or read the model file (permissions, I/O error).",
        "Check the file's permissions and that the disk is readable.");

    public static readonly DiagnosticDescriptor ModelNotOnnx = new(
        "GAC1003", "Not a valid ONNX model",
        "The file is not an ONNX ModelProto: it is truncated, corrupt, or another format.",
        "Re-export the model, or check that the download or copy finished.");

    public static readonly DiagnosticDescriptor ModelTooLarge = new(
        "GAC1004", "Model file too large for protobuf",
        "Protocol buffers cannot hold a message of 2 GB or more, so such an ONNX file cannot be parsed.",
        "Store the weights as external data (ONNX data_location = EXTERNAL) beside a small model file.");

    public static readonly DiagnosticDescriptor ExternalDataEscapesModelFolder = new(
        "GAC1005", "External data location escapes the model folder",
        "A tensor's external-data location is absolute, contains '..', or is a link that points outside the model's folder.",
        "Keep external data files in the model's folder (or below it) and reference them by relative path.");

    public static readonly DiagnosticDescriptor ExternalDataMissing = new(
        "GAC1006", "External data file not found",
        "A tensor stores its data in an external file that does not exist beside the model.",
        "Copy the model's .data file(s) together with the .onnx file.");

    public static readonly DiagnosticDescriptor ExternalDataTruncated = new(
        "GAC1007", "External data file too short",
        "A tensor's external-data offset and length reach past the end of its data file.",
        "The data file is truncated or belongs to another model; copy it again with the .onnx file.");

    public static readonly DiagnosticDescriptor ExternalDataReferenceInvalid = new(
        "GAC1008", "Invalid external data reference",
        "A tensor marked EXTERNAL lacks a 'location', or its 'offset'/'length' is not a non-negative integer, or the length does not match the tensor's shape.",
        "Re-export the model, or fix the tensor's external_data entries.");

    public static readonly DiagnosticDescriptor TensorDataUnsupported = new(
        "GAC1009", "Tensor data cannot be read",
        "A weight tensor has an element type or storage the reader does not support, or its byte size does not match its shape.",
        "Convert the model's weights to float32/float16 raw data (e.g. re-export with a current exporter).");
}
