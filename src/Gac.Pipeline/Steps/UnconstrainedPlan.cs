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

    /// <summary>Per decision id: the output error measured with that layer or group alone cut to each probed dim (<see cref="LayerProbe"/>); empty when not probed.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LayerMeasurement>> Measured { get; init; } = new Dictionary<string, IReadOnlyList<LayerMeasurement>>();

    /// <summary>The same decisions and budget with measured error curves over a ±1-step window; null when not probed.</summary>
    public PlanningProblem? MeasuredProblem { get; init; }

    public bool IsEmpty => Problem is null || Problem.Decisions.Count == 0;

    public bool IsPruning => UnitScores is not null;
}
