using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// One choice the planner makes: the kept dimension d of a low-rank layer (rank), an MLP channel
/// group (width) or an attention head group (heads). The compressor supplies the unconstrained
/// target d* (may be fractional), an importance s and optionally an error curve err(d).
/// Parameters are affine in d: params(d) = d·<see cref="ParamsPerUnit"/> + <see cref="FixedParams"/>,
/// except the dense option, which costs <see cref="DenseParams"/>.
/// Build it with <see cref="LowRank"/>, <see cref="MlpChannels"/> or <see cref="AttentionHeads"/>.
/// </summary>
public sealed record PlanningDecision
{
    public required string Id { get; init; }

    public required DecisionKind Kind { get; init; }

    /// <summary>The largest meaningful d: min(K, N) for a rank, the original width, the original head count.</summary>
    public required long MaxDimension { get; init; }

    /// <summary>The unconstrained compressor's d*, in [0, <see cref="MaxDimension"/>].</summary>
    public required double Target { get; init; }

    public required long ParamsPerUnit { get; init; }

    /// <summary>Parameters that do not depend on d (a low-rank layer's bias N).</summary>
    public long FixedParams { get; init; }

    /// <summary>Parameters when the layer or group is left as it is (K·N + bias for a linear layer).</summary>
    public required long DenseParams { get; init; }

    /// <summary>GEMM elements per unit of d: 1 for ranks and channels, head_dim for heads.</summary>
    public int ElementsPerUnit { get; init; } = 1;

    /// <summary>The compressor's importance s (paper objective weight).</summary>
    public double Importance { get; init; } = 1.0;

    public ErrorCurve? ErrorCurve { get; init; }

    /// <summary>Normaliser of the error curve (e.g. ‖W·S‖_F); defaults to err(0).</summary>
    public double? ErrorNorm { get; init; }

    /// <summary>Whether <see cref="ErrorCurve"/> is a norm (squared by the objective) or an additive loss.</summary>
    public ErrorCurveKind ErrorKind { get; init; } = ErrorCurveKind.Norm;

    public DenseOption Dense { get; init; } = DenseOption.Offered;

    /// <summary>K of a low-rank layer's weight W[K,N]; null for groups.</summary>
    public long? InFeatures { get; init; }

    /// <summary>N of a low-rank layer's weight W[K,N]; null for groups.</summary>
    public long? OutFeatures { get; init; }

    /// <summary>Key of this decision's GEMM shape in a <see cref="Hardware.LatencyStaircase"/>, e.g. "4096x14336".</summary>
    public string? LatencyKey { get; init; }

    /// <summary>What is wrong with this decision on its own; empty when it is well formed.</summary>
    public IEnumerable<Diagnostic> Validate()
    {
        if (MaxDimension <= 0 || ParamsPerUnit <= 0 || FixedParams < 0 || DenseParams <= 0 || ElementsPerUnit <= 0)
        {
            yield return new Diagnostic(DiagnosticCatalogue.InvalidDecision, $"Decision '{Id}': max dimension ({MaxDimension}), params per unit " +
                $"({ParamsPerUnit}), dense params ({DenseParams}) and elements per unit ({ElementsPerUnit}) must be positive and fixed params " +
                $"({FixedParams}) non-negative.");
        }

        if (!double.IsFinite(Target) || Target < 0 || Target > MaxDimension)
        {
            yield return new Diagnostic(DiagnosticCatalogue.InvalidDecision, $"Decision '{Id}': target d* = {Target} is outside [0, {MaxDimension}].");
        }

        if (!double.IsFinite(Importance) || Importance < 0)
        {
            yield return new Diagnostic(DiagnosticCatalogue.InvalidDecision, $"Decision '{Id}': importance {Importance} must be finite and non-negative.");
        }

        if (ErrorNorm is { } norm && (!double.IsFinite(norm) || norm <= 0))
        {
            yield return new Diagnostic(DiagnosticCatalogue.InvalidErrorCurve, $"Decision '{Id}': error norm {norm} must be positive.");
        }
    }

    public long ParamsAt(long dimension) => (dimension * ParamsPerUnit) + FixedParams;

    /// <summary>
    /// Whether the unconstrained compressor leaves this layer dense: dense is required, d* is the full
    /// dimension, or a rank-d* split would not save parameters (r·(K+N) ≥ K·N; ASVD keeps such layers dense).
    /// </summary>
    public bool TargetIsDense => Dense == DenseOption.Required
        || (Dense == DenseOption.Offered && (Target >= MaxDimension || (Target * ParamsPerUnit) + FixedParams >= DenseParams));

    /// <summary>params(d*), fractional when d* is; the dense count when <see cref="TargetIsDense"/>.</summary>
    public double TargetParams => TargetIsDense ? DenseParams : (Target * ParamsPerUnit) + FixedParams;

    /// <summary>A rank-r split W ≈ A[K,r]·B[r,N]: params(r) = r·(K+N) (+ bias N).</summary>
    public static PlanningDecision LowRank(
        string id, long inFeatures, long outFeatures, double targetRank,
        double importance = 1.0, bool hasBias = false, ErrorCurve? errorCurve = null,
        DenseOption dense = DenseOption.Offered, double? errorNorm = null)
    {
        var bias = hasBias ? outFeatures : 0;
        var decision = Affine(
            id, DecisionKind.LowRank, Math.Min(inFeatures, outFeatures), targetRank, inFeatures + outFeatures, bias, (inFeatures * outFeatures) + bias,
            importance, errorCurve, dense, errorNorm, $"{inFeatures}x{outFeatures}");
        return decision with { InFeatures = inFeatures, OutFeatures = outFeatures };
    }

    /// <summary>
    /// A pruned MLP width w shared by gate/up/down (or fc1/fc2): params(w) = w·paramsPerChannel + fixed,
    /// e.g. paramsPerChannel = 3·hidden for gate/up/down without biases.
    /// </summary>
    public static PlanningDecision MlpChannels(
        string id, long width, long paramsPerChannel, double targetWidth,
        double importance = 1.0, long fixedParams = 0, ErrorCurve? errorCurve = null,
        DenseOption dense = DenseOption.Offered, double? errorNorm = null, string? latencyKey = null)
        => Affine(
            id, DecisionKind.MlpChannels, width, targetWidth, paramsPerChannel, fixedParams, denseParams: null,
            importance, errorCurve, dense, errorNorm, latencyKey);

    /// <summary>Whole heads h of head_dim each; GEMMs see h·head_dim, which is what must be aligned.</summary>
    public static PlanningDecision AttentionHeads(
        string id, int heads, int headDim, long paramsPerHead, double targetHeads,
        double importance = 1.0, long fixedParams = 0, ErrorCurve? errorCurve = null,
        DenseOption dense = DenseOption.Offered, double? errorNorm = null, string? latencyKey = null)
    {
        var decision = Affine(
            id, DecisionKind.AttentionHeads, heads, targetHeads, paramsPerHead, fixedParams, denseParams: null,
            importance, errorCurve, dense, errorNorm, latencyKey);
        return decision with { ElementsPerUnit = headDim };
    }

    /// <summary>
    /// params(d) = d·paramsPerUnit + fixed up to <paramref name="maxDimension"/>. Dense costs
    /// <paramref name="denseParams"/>, or params(maxDimension) when keeping every unit is dense (channels, heads).
    /// </summary>
    private static PlanningDecision Affine(
        string id, DecisionKind kind, long maxDimension, double target, long paramsPerUnit, long fixedParams, long? denseParams,
        double importance, ErrorCurve? errorCurve, DenseOption dense, double? errorNorm, string? latencyKey)
        => new()
        {
            Id = id,
            Kind = kind,
            MaxDimension = maxDimension,
            Target = target,
            ParamsPerUnit = paramsPerUnit,
            FixedParams = fixedParams,
            DenseParams = denseParams ?? (maxDimension * paramsPerUnit) + fixedParams,
            Importance = importance,
            ErrorCurve = errorCurve,
            ErrorNorm = errorNorm,
            Dense = dense,
            LatencyKey = latencyKey,
        };
}
