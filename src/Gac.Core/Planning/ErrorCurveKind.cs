namespace Gac.Core.Planning;

/// <summary>What a decision's error curve measures, and so how the spectrum objective adds it up.</summary>
public enum ErrorCurveKind
{
    /// <summary>
    /// A norm, e.g. sqrt(Σ_{k&gt;r} σ_k²) of a truncated spectrum: the objective squares its normalised
    /// value, because the energy removed is what adds up across layers.
    /// </summary>
    Norm,

    /// <summary>
    /// An additive loss already, e.g. the activation-weighted importance (Wanda mass) of the pruned
    /// units: the objective takes its normalised value as it is — the very sum a global score-ranked
    /// pruner minimises, so aligning optimises the compressor's own quantity.
    /// </summary>
    Loss,
}
