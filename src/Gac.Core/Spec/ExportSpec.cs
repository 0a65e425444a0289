namespace Gac.Core.Spec;

/// <param name="GenAi">export.genai: genai_config.json and the tokenizer files are written beside the artifact (ONNX Runtime GenAI).</param>
public sealed record ExportSpec(SpecPath Path, ExportDType DType, int Opset, ExternalDataMode ExternalData, bool GenAi = false);
