using Gac.Core.Model;

namespace Gac.Core.Audit;

/// <summary>
/// The static alignment audit of one model against one profile: plain records only, so hosts can
/// serialize it with System.Text.Json as-is (add JsonStringEnumConverter for readable roles/kinds).
/// </summary>
public sealed record AuditReport(
    string Source,
    string Profile,
    int Multiple,
    int HeadDimMultiple,
    IReadOnlyList<LayerAudit> Layers,
    IReadOnlyList<GroupAudit> Groups,
    AuditTotals Totals);

/// <summary>One linear layer: Y[M,N] = X[M,K]·W[K,N]; a dimension is misaligned when not a multiple of the profile's.</summary>
public sealed record LayerAudit(
    string Name,
    string? Group,
    LinearRole Role,
    long InFeatures,
    long OutFeatures,
    bool InFeaturesAligned,
    bool OutFeaturesAligned,
    long Parameters,
    long FlopsPerToken)
{
    /// <summary>"K", "N", both, or none: the GEMM dimensions a compressor or exporter must fix.</summary>
    public IReadOnlyList<string> MisalignedDimensions { get; init; } = [];

    public bool IsAligned => InFeaturesAligned && OutFeaturesAligned;
}

/// <summary>A coupled group; for attention, head_dim is checked against the SDPA rule (a multiple of 8).</summary>
public sealed record GroupAudit(
    string Name,
    GroupKind Kind,
    long CoupledWidth,
    bool CoupledWidthAligned,
    int? HeadCount,
    int? HeadDim,
    bool? HeadDimAligned);

/// <summary>
/// Totals. Each layer contributes two dimensions (K and N) to <see cref="Dimensions"/>; FLOPs are
/// per token (2·K·N), so the share is independent of the token count M.
/// </summary>
public sealed record AuditTotals(
    int Layers,
    int MisalignedLayers,
    long LinearParameters,
    int Dimensions,
    int AlignedDimensions,
    double AlignedDimensionPercent,
    long LinearFlopsPerToken,
    long MisalignedFlopsPerToken,
    double MisalignedFlopPercent);
