using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Each layer's term in the error model the plan was chosen under, at the aligned dim: the squared
/// output error measured with the layer alone cut (when the run probed it), else the compressor's own
/// spectrum objective (energy share removed for low rank, importance removed for pruning).
/// </summary>
internal static class LayerContributions
{
    public static IReadOnlyDictionary<string, double> Predicted(AlignedPlan plan)
    {
        var problem = plan.Unconstrained.MeasuredProblem ?? plan.Unconstrained.Problem;
        if (problem.Decisions.Any(d => d.ErrorCurve is null && d.Dense != DenseOption.Required))
        {
            return new Dictionary<string, double>();
        }

        var objective = PlanObjective.Resolve(PlanObjectiveKind.Spectrum, problem.Decisions);
        return problem.Decisions.ToDictionary(
            d => d.Id,
            d => plan.AlignedRanks.TryGetValue(d.Id, out var rank) && rank is { } r
                ? objective.Score(d, r, false)
                : objective.Score(d, d.MaxDimension, true),
            StringComparer.Ordinal);
    }
}
