using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// The value the knapsack maximises. Paper (GAC paper §2): s·(params(d) − params(d*)), rounding up
/// earns credit and rounding down costs it. Spectrum (GAC-METHOD §4): −(err(d)/err(0))², the share
/// of the layer's (activation-scaled) energy the truncation removes, read from the real error curve
/// instead of the linear proxy. Squared because energy is what truncation removes and it adds up
/// across layers; a sum of the square roots favours corner plans — some layers left dense, a few cut
/// hard — and measured worse: on the trained tiny-llama at 15% ASVD, held-out perplexity 6.122 with
/// Σ err/err(0) against 6.003 with Σ (err/err(0))² (ASVD's own unaligned ranks 6.058, paper
/// objective 6.038); PaddleOCR's recognizer at 30%: relative output error 0.138 against 0.128.
/// A curve that is already an additive loss (<see cref="ErrorCurveKind.Loss"/>, pruning's removed
/// importance) is summed as it is.
/// </summary>
public sealed class PlanObjective
{
    private PlanObjective(PlanObjectiveKind kind) => Kind = kind;

    public PlanObjectiveKind Kind { get; }

    /// <summary>Spectrum is minimised, paper maximised; reports show each in its own sense.</summary>
    public bool Minimizes => Kind == PlanObjectiveKind.Spectrum;

    public string Name => Kind == PlanObjectiveKind.Spectrum ? "spectrum" : "paper";

    public static PlanObjective Resolve(PlanObjectiveKind requested, IReadOnlyList<PlanningDecision> decisions)
    {
        var allCurves = decisions.All(d => d.ErrorCurve is not null || d.Dense == DenseOption.Required);
        return requested switch
        {
            PlanObjectiveKind.Auto => new PlanObjective(allCurves ? PlanObjectiveKind.Spectrum : PlanObjectiveKind.Paper),
            PlanObjectiveKind.Spectrum when !allCurves => throw GacException.Create(
                DiagnosticCatalogue.InvalidPlannerOptions,
                $"The spectrum objective needs an error curve on every decision; missing on: " +
                    $"{string.Join(", ", decisions.Where(d => d.ErrorCurve is null && d.Dense != DenseOption.Required).Select(d => d.Id).Take(5))}."),
            _ => new PlanObjective(requested),
        };
    }

    /// <summary>The objective term of one choice, in the objective's own sense (reported).</summary>
    public double Score(PlanningDecision decision, long dimension, bool isDense)
    {
        var parameters = isDense ? decision.DenseParams : decision.ParamsAt(dimension);
        if (Kind == PlanObjectiveKind.Paper)
        {
            return decision.Importance * (parameters - decision.TargetParams);
        }

        if (decision.ErrorCurve is null || (isDense && decision.Kind == DecisionKind.LowRank))
        {
            // An unsplit layer has no truncation error; a required-dense decision has no curve to read.
            return 0;
        }

        var relative = decision.ErrorCurve.At(isDense ? decision.MaxDimension : dimension) / NormOf(decision);
        return decision.ErrorKind == ErrorCurveKind.Loss ? relative : relative * relative;
    }

    /// <summary>The value the solver maximises.</summary>
    public double Value(PlanningDecision decision, long dimension, bool isDense)
        => Minimizes ? -Score(decision, dimension, isDense) : Score(decision, dimension, isDense);

    /// <summary>err(0) for SVD is ‖W·S‖_F; when the curve does not start at 0, its first (largest) sample is used.</summary>
    private static double NormOf(PlanningDecision decision)
    {
        var norm = decision.ErrorNorm ?? decision.ErrorCurve?.ErrorAtZero ?? decision.ErrorCurve?.Errors[0] ?? 1.0;
        return norm > 0 ? norm : 1.0;
    }
}
