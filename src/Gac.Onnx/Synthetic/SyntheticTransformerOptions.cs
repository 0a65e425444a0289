namespace Gac.Onnx.Synthetic;

/// <summary>How the MLP of each block is built.</summary>
public enum MlpKind
{
    /// <summary>Llama style: down(SiLU(gate(x)) · up(x)); layers gate_proj, up_proj, down_proj.</summary>
    SwiGlu,

    /// <summary>fc2(GELU(fc1(x))) with the exact erf GELU, as BERT/ViT exports spell it out.</summary>
    Gelu,

    /// <summary>fc2(ReLU(fc1(x))).</summary>
    Relu,
}

/// <summary>Where the linear weights of the generated model live; each is a layout real exporters produce.</summary>
public enum WeightStorage
{
    /// <summary>Graph initializers, W as [in, out] feeding MatMul (PyTorch's exporter).</summary>
    Initializers,

    /// <summary>Constant nodes with a tensor <c>value</c> (Paddle2ONNX).</summary>
    ConstantNodes,

    /// <summary>Gemm with transB = 1 and W as [out, in] on tokens flattened to 2-D (TF/Keras and older exporters).</summary>
    GemmTransposed,

    /// <summary>Initializers written to an external data file (large-model exports).</summary>
    External,
}

/// <summary>Shape and layout of a generated transformer; every value is deterministic for a given seed.</summary>
public sealed record SyntheticTransformerOptions
{
    public int Hidden { get; init; } = 64;

    public int Heads { get; init; } = 4;

    public int Intermediate { get; init; } = 128;

    public int Blocks { get; init; } = 2;

    public MlpKind Mlp { get; init; } = MlpKind.SwiGlu;

    public WeightStorage Storage { get; init; } = WeightStorage.Initializers;

    /// <summary>Bias on q/k/v/o (the task's reference layout; Llama itself has none).</summary>
    public bool AttentionBias { get; init; } = true;

    /// <summary>Bias on the MLP projections (BERT/ViT fc1/fc2 have it, Llama's gate/up/down do not).</summary>
    public bool MlpBias { get; init; }

    public int Seed { get; init; } = 1234;

    /// <summary>
    /// 0 (default): iid Uniform(-1/√K, 1/√K) weights, PyTorch's nn.Linear init. Greater than 0:
    /// each weight's k-th singular value decays like k^-SpectralDecay (same Frobenius norm), so a
    /// low-rank approximation loses little, as with trained layers.
    /// </summary>
    public double SpectralDecay { get; init; }

    /// <summary>
    /// Hidden channels multiplied by <see cref="OutlierScale"/> right after the input (a constant
    /// Mul), like the few large-magnitude channels of trained transformers' residual streams, so
    /// activation-aware methods (ASVD) have something to find. 0 (default): no Mul.
    /// </summary>
    public int OutlierChannels { get; init; }

    public float OutlierScale { get; init; } = 10f;

    public long OpsetVersion { get; init; } = 17;

    public int HeadDim => Hidden / Heads;

    /// <summary>Linear parameters (weights + biases) the model will have, for tests and sizing.</summary>
    public long LinearParameters
    {
        get
        {
            long h = Hidden, i = Intermediate;
            var attention = 4 * h * h + (AttentionBias ? 4 * h : 0);
            var mlpMatrices = Mlp == MlpKind.SwiGlu ? 3 : 2;
            var mlp = mlpMatrices * h * i + (MlpBias ? (mlpMatrices - 1) * i + h : 0);
            return Blocks * (attention + mlp);
        }
    }

    internal void Validate()
    {
        if (Hidden <= 0 || Heads <= 0 || Intermediate <= 0 || Blocks <= 0)
        {
            throw new ArgumentException("Hidden, Heads, Intermediate and Blocks must be positive.");
        }

        if (!double.IsFinite(SpectralDecay) || SpectralDecay < 0)
        {
            throw new ArgumentException($"SpectralDecay must be a finite number ≥ 0, got {SpectralDecay}.");
        }

        if (OutlierChannels < 0 || OutlierChannels > Hidden || !float.IsFinite(OutlierScale) || OutlierScale <= 0)
        {
            throw new ArgumentException($"OutlierChannels must be within 0..Hidden and OutlierScale positive, got {OutlierChannels} and {OutlierScale}.");
        }

        if (Hidden % Heads != 0)
        {
            throw new ArgumentException($"Hidden ({Hidden}) must be a multiple of Heads ({Heads}).");
        }
    }
}
