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
    Text,
}

/// <summary>How an encoder's token outputs become one vector per sentence for fidelity (validation.pooling).</summary>
public enum SentencePooling
{
    Auto,
    Mean,
    Cls,
    None,
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

    /// <summary>
    /// bfloat16 weights and weight GEMMs, the rest float32 (as Fp16). For ONNX Runtime's CUDA provider: the CPU
    /// provider has no bfloat16 MatMul, so a bf16 run compresses on the CPU (through an emulation) but validates only on CUDA (GAC3071).
    /// </summary>
    Bf16,

    /// <summary>The default: the checkpoint's own precision for a Hugging Face folder, fp32 for an ONNX model (Gac.Pipeline.Steps.ExportPrecision).</summary>
    Auto,
}

public enum ExternalDataMode
{
    Auto,
    Always,
    Never,
}

/// <summary>
/// How calibration runs the model. WholeModel: one ONNX Runtime session holding every weight.
/// BlockWise: one transformer block at a time, the activations crossing each boundary carried forward,
/// so memory holds one block's weights (the statistics are the same). Auto: block-wise when the model's
/// weights exceed half of the memory available and its graph can be cut into blocks.
/// </summary>
public enum CalibrationMode
{
    Auto,
    WholeModel,
    BlockWise,
}

/// <summary>
/// Whether validation runs each model whole or block by block. WholeModel: end to end. LayerWise: no model
/// loaded whole — each candidate block fed the original's block input, its output compared with the original
/// block's, one block of each model timed, the published artifact checked block by block; end-to-end numbers
/// are not measured. Auto: layer-wise when the original's weights exceed half of the memory available and the
/// graph can be cut into blocks.
/// </summary>
public enum FidelityMode
{
    Auto,
    WholeModel,
    LayerWise,
}

/// <summary>
/// How validation holds the three models. Together: loaded at once and timed interleaved (drift
/// lands on all alike). One at a time: each loaded, measured and released before the next, so a
/// model larger than a third of memory can still be validated; latency is then timed in blocks.
/// Auto: together unless the three models' weights exceed half of the memory available.
/// </summary>
public enum ValidationSessions
{
    Auto,
    Together,
    OneAtATime,
}

/// <summary>
/// Which ONNX Runtime execution provider the user asked for (validation.provider, --provider); the
/// one type from the spec through the CLI to the session factory.
/// </summary>
public enum ExecutionProviderChoice
{
    /// <summary>CUDA when it loads, otherwise CPU with a GAC4008 warning recording why.</summary>
    Auto,

    /// <summary>CUDA or fail with GAC4001 (exit code 2): a GPU measurement was promised.</summary>
    Cuda,

    /// <summary>The CPU provider only.</summary>
    Cpu,
}

public enum ReportFormat
{
    Json,
    Markdown,
    Junit,
    Plot,
}
