namespace Gac.Core.Planning;

/// <summary>How the parameter budget B over all decisions is given.</summary>
public enum BudgetKind
{
    /// <summary>An absolute parameter count.</summary>
    Parameters,

    /// <summary>A fraction of the decisions' dense parameters that may be kept (0.85 at 15% compression).</summary>
    KeptFraction,

    /// <summary>A compression ratio ρ: B = (1 − ρ)·dense (ρ = 0.15 keeps 85%).</summary>
    CompressionRatio,

    /// <summary>Σ params(d*): exactly what the unconstrained compressor produced (GAC-METHOD §2, same budget).</summary>
    SameAsTargets,
}

/// <summary>The parameter budget B. Resolve it against a problem with <see cref="Resolve"/>.</summary>
public sealed record PlanningBudget(BudgetKind Kind, double Value)
{
    public static PlanningBudget FromParameters(long parameters) => new(BudgetKind.Parameters, parameters);

    public static PlanningBudget FromKeptFraction(double fraction) => new(BudgetKind.KeptFraction, fraction);

    /// <summary>A compression ratio ρ removes ρ of the dense parameters: B = (1 − ρ)·dense.</summary>
    public static PlanningBudget FromCompressionRatio(double ratio) => new(BudgetKind.CompressionRatio, ratio);

    public static PlanningBudget SameAsTargets { get; } = new(BudgetKind.SameAsTargets, 0);

    /// <summary>B in whole parameters, floored so that a plan within it never exceeds the stated budget.</summary>
    public long Resolve(IReadOnlyList<PlanningDecision> decisions) => Kind switch
    {
        BudgetKind.Parameters => (long)Math.Floor(Value),
        BudgetKind.KeptFraction => (long)Math.Floor(Value * decisions.Sum(d => (double)d.DenseParams)),
        BudgetKind.CompressionRatio => (long)Math.Floor((1 - Value) * decisions.Sum(d => (double)d.DenseParams)),
        _ => (long)Math.Floor(decisions.Sum(d => d.TargetParams) + 1e-6),
    };

    public override string ToString() => Kind switch
    {
        BudgetKind.Parameters => $"{Value:0} parameters",
        BudgetKind.KeptFraction => $"keep {Value:P1} of dense parameters",
        BudgetKind.CompressionRatio => $"compress by {Value:P1} of dense parameters",
        _ => "same as the unconstrained targets",
    };
}
