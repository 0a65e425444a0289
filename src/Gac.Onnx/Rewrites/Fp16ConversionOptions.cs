using Gac.Core.Model;

namespace Gac.Onnx.Rewrites;

/// <summary>How <see cref="Fp16Conversion"/> converts a model.</summary>
public sealed record Fp16ConversionOptions
{
    public static Fp16ConversionOptions Default { get; } = new();

    /// <summary>bfloat16 weights and bfloat16 weight GEMMs (export.dtype: bf16); everything else as <see cref="Default"/>.</summary>
    public static Fp16ConversionOptions BFloat16 { get; } = new() { HalfType = OnnxDataType.BFloat16 };

    /// <summary>
    /// The 16-bit type weights are stored in and the weight GEMMs compute in: Float16 (IEEE binary16,
    /// 10 significand bits, range ±65504) or BFloat16 (8 significand bits, float32's range).
    /// </summary>
    public OnnxDataType HalfType
    {
        get;
        init => field = value is OnnxDataType.Float16 or OnnxDataType.BFloat16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Only Float16 and BFloat16 are half types.");
    } = OnnxDataType.Float16;

    /// <summary>
    /// False (default): graph inputs and outputs stay float32, so callers feed and read what they
    /// did before. True: they become the half type, with a Cast to float32 after each input and a Cast to
    /// the half type before each output.
    /// </summary>
    public bool Float16InputsOutputs { get; init; }

    /// <summary>
    /// Float tensors with fewer elements stay float32: they save nothing, and scalars such as a
    /// LayerNorm epsilon of 1e-12 (BERT) are below float16's smallest subnormal (6e-8) and would become 0.
    /// </summary>
    public long MinimumElements { get; init; } = 16;

    /// <summary>The suffix of names this conversion makes: ".fp16" or ".bf16".</summary>
    internal string Suffix => HalfType == OnnxDataType.BFloat16 ? ".bf16" : ".fp16";

    internal string Label => HalfType == OnnxDataType.BFloat16 ? "bfloat16" : "float16";
}
