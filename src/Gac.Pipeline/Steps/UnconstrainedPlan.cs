using Gac.Core.Calibration;
using Gac.Core.Model;
using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What the wrapped compressor chose before alignment (GAC-METHOD §2 step 1), as a planning problem
/// with the same budget: per low-rank layer a rank d*, per pruned group a kept width or head count,
/// each with its importance and error curve. The compressor is chosen once, in
/// <see cref="GacPipeline"/>: the plan's type (<see cref="LowRankPlan"/> or <see cref="PrunePlan"/>)
/// carries what only that method has and decides how its variants are written, so no later step
/// tells the two apart again.
/// </summary>
public abstract record UnconstrainedPlan(string Method, IReadOnlyList<LinearLayer> Layers, PlanningProblem Problem)
{
    /// <summary>Per decision id: the output error measured with that layer or group alone cut to each probed dim (<see cref="LayerProbe"/>); empty when not
    /// probed.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LayerMeasurement>> Measured { get; init; } = new Dictionary<string, IReadOnlyList<LayerMeasurement>>();

    /// <summary>Per decision id: the output error measured with that layer or group at each probed dim and the others at the compressor's dims;
    /// empty when not probed.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LayerMeasurement>> MeasuredInPlan { get; init; } =
        new Dictionary<string, IReadOnlyList<LayerMeasurement>>();

    /// <summary>The same decisions and budget with measured error curves over a ±1-step window; null when not probed.</summary>
    public PlanningProblem? MeasuredProblem { get; init; }

    /// <summary>As <see cref="MeasuredProblem"/>, with the curves of <see cref="MeasuredInPlan"/>; null when not probed.</summary>
    public PlanningProblem? MeasuredInPlanProblem { get; init; }

    public bool IsEmpty => Problem.Decisions.Count == 0;

    /// <summary>One model per target, each cut to the target's dims with this plan's method (internal: the hierarchy is closed).</summary>
    /// <param name="final">The run's last write of these layers (not a probe): low rank then deletes each layer's decomposition spill once written.</param>
    internal abstract IReadOnlyList<ModelVariant> Write(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, IReadOnlyList<VariantTarget> targets,
        bool final = false);
}

/// <summary>Low rank (ASVD, SVD): each decision is one layer's rank; also the plan of a run that compresses nothing.</summary>
public sealed record LowRankPlan(string Method, IReadOnlyList<LinearLayer> Layers, PlanningProblem Problem)
    : UnconstrainedPlan(Method, Layers, Problem)
{
    /// <summary>No decision: method none or ratio 0, every layer stays dense.</summary>
    public static LowRankPlan Empty(string method) => new(method, [], new PlanningProblem(method, [], PlanningBudget.SameAsTargets));

    internal override IReadOnlyList<ModelVariant> Write(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, IReadOnlyList<VariantTarget> targets,
        bool final = false)
        => LowRankApply.WriteVariants(run, model, statistics, Layers, targets, final);
}

/// <summary>Structured pruning: each decision is one group's kept width (MLP channels) or head count.</summary>
/// <param name="UnitScores">Each group's per-channel or per-head importance, so any chosen width keeps the best units.</param>
public sealed record PrunePlan(
    IReadOnlyList<LinearLayer> Layers, PlanningProblem Problem, IReadOnlyDictionary<string, IReadOnlyList<double>> UnitScores)
    : UnconstrainedPlan("prune", Layers, Problem)
{
    internal override IReadOnlyList<ModelVariant> Write(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, IReadOnlyList<VariantTarget> targets,
        bool final = false)
        => targets.Select(t => PruneApply.Save(run, model, this, t.Ranks, t.Name, t.Folder)).ToList();
}
