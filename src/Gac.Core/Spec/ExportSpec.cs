namespace Gac.Core.Spec;

public sealed record ExportSpec(SpecPath Path, ExportDType DType, int Opset, ExternalDataMode ExternalData);
