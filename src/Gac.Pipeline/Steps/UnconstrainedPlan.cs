using Gac.Compression.LowRank;
using Gac.Core.Model;
using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What the wrapped compressor chose before alignment (GAC-METHOD §2 step 1): per layer a rank d*
/// (or dense), its importance and error curve, as a planning problem with the same budget.
/// </summary>
public sealed record UnconstrainedPlan(
    string Method,
    IReadOnlyList<LinearLayer> Layers,
    RankAllocation? Allocation,
    PlanningProblem? Problem)
{
    public static UnconstrainedPlan Empty(string method) => new(method, [], null, null);

    public bool IsEmpty => Problem is null || Problem.Decisions.Count == 0;
}
