namespace Gac.Compression.Planning;

public enum TargetKind
{
    /// <summary>Rank r of W ≈ A[K,r]·B[r,N].</summary>
    LowRank,

    /// <summary>Kept intermediate width of an MLP (gate/up columns, down rows).</summary>
    MlpChannels,

    /// <summary>Kept attention heads (q/k/v columns, o rows, head_dim each).</summary>
    AttentionHeads,
}

/// <summary>
/// What the wrapped compressor wants for one layer or coupled group before alignment (GAC-METHOD §2
/// step 1), in the units the aligner chooses: ranks, channels or heads.
/// </summary>
/// <param name="MaxDim">Largest meaningful dim: for low rank the break-even rank floor(K·N/(K+N)),
/// beyond which factoring stores more than the dense weight; for pruning the original unit count.</param>
/// <param name="TargetDim">The compressor's choice d*; equal to MaxDim when it keeps the layer as is.</param>
/// <param name="Importance">Marginal value of one more parameter at d*: the drop in normalised squared
/// error (low rank) or normalised lost importance (pruning) from d* to d*+1, divided by ParamsPerUnit.</param>
/// <param name="ErrorCurve">Normalised error at every integer dim 0..MaxDim (index = dim): low rank
/// sqrt(Σ_{k>r} σ_k²)/‖W‖_F of the (activation-scaled) weight; pruning the share of total importance
/// removed when keeping the best d units. Null when unknown.</param>
/// <param name="ParamsPerUnit">Parameters added per unit of dim (K+N for a rank; all weights and biases
/// of one channel or one head).</param>
/// <param name="FixedParams">Parameters that do not depend on the dim (biases of outputs the decision
/// does not touch).</param>
public sealed record UnconstrainedTarget(
    string Name,
    TargetKind Kind,
    long MaxDim,
    double TargetDim,
    double Importance,
    double[]? ErrorCurve,
    long ParamsPerUnit,
    long FixedParams)
{
    public long Parameters(long dim) => FixedParams + dim * ParamsPerUnit;
}
