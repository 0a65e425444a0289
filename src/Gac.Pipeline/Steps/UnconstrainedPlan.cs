using Gac.Core.Model;
using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What the wrapped compressor chose before alignment (GAC-METHOD §2 step 1), as a planning problem
/// with the same budget: per low-rank layer a rank d*, per pruned group a kept width or head count,
/// each with its importance and error curve.
/// </summary>
/// <param name="UnitScores">For pruning: each group's per-channel or per-head importance, so any
/// chosen width keeps the best units. Null for low rank.</param>
public sealed record UnconstrainedPlan(
    string Method,
    IReadOnlyList<LinearLayer> Layers,
    PlanningProblem? Problem,
    IReadOnlyDictionary<string, IReadOnlyList<double>>? UnitScores = null)
{
    public static UnconstrainedPlan Empty(string method) => new(method, [], null);

    public bool IsEmpty => Problem is null || Problem.Decisions.Count == 0;

    public bool IsPruning => UnitScores is not null;
}
