using System.Text.Json.Serialization;

namespace Gac.Core.Planning;

/// <summary>What a planning decision's dimension is (GAC-METHOD §1 table).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionKind>))]
public enum DecisionKind
{
    /// <summary>Rank r of W ≈ A·B, A[K,r], B[r,N]: N of the first GEMM and K of the second.</summary>
    LowRank,

    /// <summary>Kept intermediate width of a pruned MLP: one coupled dim for gate, up and down.</summary>
    MlpChannels,

    /// <summary>Kept whole heads; GEMMs see heads × head_dim.</summary>
    AttentionHeads,
}

/// <summary>Whether a decision may keep its layer or group uncompressed.</summary>
public enum DenseOption
{
    /// <summary>Dense is a candidate beside the aligned ones (and replaces low-rank splits that would not save parameters).</summary>
    Offered,

    /// <summary>Only compressed candidates; the decision must shrink.</summary>
    NotOffered,

    /// <summary>The layer stays as it is; the decision is fixed at its dense parameter count.</summary>
    Required,
}
