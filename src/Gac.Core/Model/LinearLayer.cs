namespace Gac.Core.Model;

/// <summary>What a linear layer does in its block, when the graph lets us tell.</summary>
public enum LinearRole
{
    Unknown,
    Query,
    Key,
    Value,
    /// <summary>q, k and v fused into one weight (ViT/SVTR "qkv", GPT-2 "c_attn").</summary>
    QkvFused,
    AttentionOutput,
    MlpGate,
    MlpUp,
    MlpDown,
    /// <summary>
    /// BERT's pooler: a dense layer (then tanh) on one sequence position's hidden state. It sits
    /// outside attention and MLP blocks, so compression leaves it dense.
    /// </summary>
    Pooler,
}

/// <summary>
/// A GEMM with a constant 2-D weight: Y[M,N] = X[M,K] · W[K,N], M = tokens.
/// K (<see cref="InFeatures"/>) and N (<see cref="OutFeatures"/>) are the dimensions compression
/// changes and GPUs care about (GAC-METHOD §1).
/// </summary>
public sealed record LinearLayer(
    string Name,
    string WeightName,
    long InFeatures,
    long OutFeatures,
    bool HasBias,
    LinearRole Role = LinearRole.Unknown,
    string? Group = null)
{
    public long Parameters => InFeatures * OutFeatures + (HasBias ? OutFeatures : 0);

    /// <summary>Multiply-add counted as two operations, per token (per row of X).</summary>
    public long FlopsPerToken => 2 * InFeatures * OutFeatures;
}
