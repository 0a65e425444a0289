namespace Gac.Core.Spec;

// The spellings in gac.yaml are kebab-case (`round-up`); SpecEnumText maps them to these members.

public enum ModelFormat
{
    Auto,
    Onnx,
    HfSafetensors,
}

/// <summary>Where calibration inputs come from; <see cref="Generated"/> derives them from the model's input metadata.</summary>
public enum CalibrationSource
{
    Generated,
    Tokens,
    Npy,
    Inputs,
}

public enum TensorDType
{
    Float32,
    Float16,
    Int64,
    Int32,
}

public enum CompressionMethod
{
    Asvd,
    Svd,
    Prune,
    None,
}

public enum RankAllocation
{
    Spectrum,
    OutputError,
}

public enum PruneTarget
{
    Mlp,
    Heads,
}

public enum AlignmentStrategy
{
    Gac,
    RoundUp,
    RoundNearest,
    RoundDown,
    None,
}

public enum AlignmentObjective
{
    Auto,
    Paper,
    Spectrum,
}

public enum ExportDType
{
    Fp32,
    Fp16,
}

public enum ExternalDataMode
{
    Auto,
    Always,
    Never,
}

public enum ExecutionProviderChoice
{
    Auto,
    Cuda,
    Cpu,
}

public enum ReportFormat
{
    Json,
    Markdown,
    Junit,
    Plot,
}
