namespace Gac.Onnx.Rewrites;

/// <summary>How <see cref="Fp16Conversion"/> converts a model.</summary>
public sealed record Fp16ConversionOptions
{
    public static Fp16ConversionOptions Default { get; } = new();

    /// <summary>
    /// False (default): graph inputs and outputs stay float32, so callers feed and read what they
    /// did before. True: they become float16, with a Cast to float32 after each input and a Cast to
    /// float16 before each output.
    /// </summary>
    public bool Float16InputsOutputs { get; init; }

    /// <summary>
    /// Float tensors with fewer elements stay float32: they save nothing, and scalars such as a
    /// LayerNorm epsilon of 1e-12 (BERT) are below float16's smallest subnormal (6e-8) and would become 0.
    /// </summary>
    public long MinimumElements { get; init; } = 16;
}
