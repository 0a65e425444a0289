using Gac.Core.Calibration;
using Gac.Core.Planning;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 3b: measure, per layer or group, what the aligned dims next to the compressor's d* cost in
/// output error, and turn that into planning problems whose curves are measurements. A per-layer
/// proxy (share of spectral energy, removed importance) says how much of the layer a cut loses, not
/// how much of the model's output — on PaddleOCR's recognizer a 120×120 attention output projection
/// cut to rank 53 costs more output error than a 120×360 qkv projection at rank 54 — and far from d*
/// the proxy's shape is a guess. So each decision is set to the aligned values either side of d*
/// (and to d* itself where d* is aligned: it may then move either way), the model's relative output
/// error on the first quarter of the calibration samples is measured, and each measured problem
/// offers exactly those values (a ±1-step window) with err = that error; minimising Σ err_i(d)²
/// chooses which layers round up and which pay for it. Each decision is measured twice:
/// <list type="bullet">
/// <item><b>alone</b> — only this layer cut, from the original model: its own output error energy,
/// assuming small single-layer errors add up independently;</item>
/// <item><b>in plan</b> — this layer moved while every other one keeps the compressor's dims, where
/// the aligned plan actually lives: Σ E_i(d)² = n·E₀² + Σ ΔE_i² to first order (E₀ the compressor's
/// plan's error), so it ranks moves by their effect on that plan, cuts that interact included.</item>
/// </list>
/// Neither model holds everywhere, so both plans are measured as candidates. On PaddleOCR's
/// recognizer at 15% SVD the second block's attention output projection alone is better at rank 56
/// than 48, but beside the other cuts 48 is better by a quarter: every plan built on the alone
/// probes measured worse than the unaligned model, the in-plan one better. At 30% ASVD on the same
/// model the in-plan moves do not add up (each looks better than E₀, together they are worse) and
/// the alone plans win.
/// </summary>
public static class LayerProbe
{
    /// <summary>Single-layer models written (and measured, then deleted) at a time: bounds scratch disk.</summary>
    private const int Batch = 8;

    public static UnconstrainedPlan Measure(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, UnconstrainedPlan plan, CalibrationProbe probe,
            int candidates)
    {
        if (plan.IsEmpty || run.Spec.Alignment.Strategy != AlignmentStrategy.Gac || candidates <= 1)
        {
            return plan;
        }

        var decisions = plan.Problem.Decisions;
        var compressor = CompressorRanks(decisions);
        var probes = decisions.SelectMany(d => ProbeDimensions(d, run.Profile, inPlan: false).Select(dim => (Decision: d, Dimension: dim, InPlan: false)))
            .Concat(decisions.SelectMany(d => ProbeDimensions(d, run.Profile, inPlan: true).Select(dim => (Decision: d, Dimension: dim, InPlan: true))))
            .ToList();
        var alone = decisions.ToDictionary(d => d.Id, _ => new List<LayerMeasurement>(), StringComparer.Ordinal);
        var inPlan = decisions.ToDictionary(d => d.Id, _ => new List<LayerMeasurement>(), StringComparer.Ordinal);
        for (var start = 0; start < probes.Count; start += Batch)
        {
            var batch = probes.Skip(start).Take(Batch).ToList();
            var targets = batch.Select((p, k) => new VariantTarget(
                "probe", $"probe-{start + k + 1}", Ranks(p.InPlan ? compressor : null, p.Decision, p.Dimension),
                    $"{p.Decision.Id} at {p.Dimension}{(p.InPlan ? ", the rest at the compressor's dims" : " alone")}")).ToList();
            var variants = plan.Write(run, model, statistics, targets);
            for (var k = 0; k < batch.Count; k++)
            {
                run.CancellationToken.ThrowIfCancellationRequested();
                var (decision, dimension, moved) = batch[k];
                var error = probe.ProbeError(variants[k], $"probe {decision.Id}");
                CalibrationProbe.Delete(variants[k]);
                (moved ? inPlan : alone)[decision.Id].Add(new LayerMeasurement(dimension, error));
                run.Report("probe", $"[{start + k + 1}/{probes.Count}] {decision.Id} at {dimension} {(moved ? "(the rest at d*)" : "alone")}: " +
                    $"relative error {error:G4} on {probe.ProbeSamples} calibration sample(s)");
            }
        }

        return plan with
        {
            MeasuredProblem = plan.Problem with { Name = plan.Problem.Name + "-measured", Decisions = Curves(decisions, alone, inPlan: false) },
            MeasuredInPlanProblem = plan.Problem with { Name = plan.Problem.Name + "-measured-in-plan", Decisions = Curves(decisions, inPlan, inPlan: true) },
            Measured = Sorted(alone),
            MeasuredInPlan = Sorted(inPlan),
        };
    }

    /// <summary>The compressor's own dims (the unaligned plan): d* floored, a decision kept whole as null.</summary>
    internal static Dictionary<string, int?> CompressorRanks(IReadOnlyList<PlanningDecision> decisions)
        => decisions.ToDictionary(d => d.Id, d => RoundingBaseline.Apply(d, RoundingRule.None, 1) is { IsDense: false } choice &&
            (choice.Dimension < d.MaxDimension && d.ParamsAt(choice.Dimension) < d.DenseParams) ? checked((int)choice.Dimension) : (int?)null,
            StringComparer.Ordinal);

    /// <summary>
    /// One decision at <paramref name="dimension"/> (its full dim keeps it whole), the others at the
    /// compressor's dims — or, without those, left whole.
    /// </summary>
    private static Dictionary<string, int?> Ranks(IReadOnlyDictionary<string, int?>? compressor, PlanningDecision decision, long dimension)
        => new(compressor ?? new Dictionary<string, int?>(), StringComparer.Ordinal)
        {
            [decision.Id] = dimension >= decision.MaxDimension ? null : checked((int)dimension),
        };

    private static List<PlanningDecision> Curves(IReadOnlyList<PlanningDecision> decisions, Dictionary<string, List<LayerMeasurement>> measured, bool inPlan)
        => decisions.Select(d => MeasuredDecision(d, measured[d.Id], inPlan)).ToList();

    private static Dictionary<string, IReadOnlyList<LayerMeasurement>> Sorted(Dictionary<string, List<LayerMeasurement>> measured)
        => measured.ToDictionary(p => p.Key, p => (IReadOnlyList<LayerMeasurement>)p.Value.OrderBy(m => m.Dimension).ToList(), StringComparer.Ordinal);

    /// <summary>
    /// The aligned values a ±1-step window around d* offers that save parameters: floor and ceiling
    /// multiples when d* is misaligned, d* and one step either side when it is aligned; none when the
    /// compressor kept the decision whole (the measured problems keep it whole too). In plan, also
    /// the full dim (the layer or group kept whole) where that window offers it: beside the other
    /// cuts, keeping one layer whole can measure worse than cutting it (alone, whole loses nothing).
    /// </summary>
    internal static IReadOnlyList<long> ProbeDimensions(PlanningDecision decision, Core.Hardware.AlignmentProfile profile, bool inPlan)
    {
        if (decision.Dense == DenseOption.Required || decision.TargetIsDense)
        {
            return [];
        }

        var step = CandidateSweep.StepFor(decision, profile.Multiple);
        var target = (long)Math.Floor(decision.Target + 1e-9);
        var dims = target % step == 0
            ? new[] { target - step, target, target + step }
            : [target / step * step, ((target / step) + 1) * step];
        var cuts = dims.Where(d => d >= step && d < decision.MaxDimension && decision.ParamsAt(d) < decision.DenseParams).ToArray();
        var whole = inPlan && CandidateSweep.For(decision, new PlannerOptions { Profile = profile, WindowSteps = 1 }).Candidates.Any(c => c.IsDense);
        return whole ? [.. cuts, decision.MaxDimension] : cuts;
    }

    /// <summary>
    /// The decision with its measured curve, err(d) = the error measured at each probed d, kept whole
    /// where the compressor kept it whole. Curves must not grow with d. Alone, a larger dim measured
    /// worse is noise and read as no better (the smaller dim's error raised to it), and the whole
    /// layer loses nothing. In plan, it is the cuts interacting (they partly cancel): the larger dim
    /// is credited with the better smaller dim's error, so the tie goes to the dim nearer d*, then to
    /// the cheaper one, rather than making the smaller dim look as bad as the larger; a whole layer
    /// the window does not offer is no candidate, and its end point gets the lowest error measured.
    /// </summary>
    private static PlanningDecision MeasuredDecision(PlanningDecision decision, IReadOnlyList<LayerMeasurement> measurements, bool inPlan)
    {
        if (decision.TargetIsDense)
        {
            return decision with { Dense = DenseOption.Required, ErrorCurve = null, ErrorNorm = null };
        }

        // No probe: the window's only candidate is the whole layer or group, which loses nothing.
        var points = measurements.OrderBy(m => m.Dimension).Select(m => (m.Dimension, Error: m.RelativeError)).ToList();
        if (points.Count == 0 || points[^1].Dimension < decision.MaxDimension)
        {
            points.Add((decision.MaxDimension, points.Count == 0 || !inPlan ? 0 : points.Min(p => p.Error)));
        }

        var errors = points.Select(p => p.Error).ToArray();
        for (var i = 1; i < errors.Length; i++)
        {
            if (inPlan)
            {
                errors[i] = Math.Min(errors[i], errors[i - 1]);
            }
            else
            {
                var j = errors.Length - 1 - i;
                errors[j] = Math.Max(errors[j], errors[j + 1]);
            }
        }

        return decision with
        {
            ErrorCurve = ErrorCurve.FromPoints(points.Select(p => p.Dimension).ToArray(), errors),
            ErrorNorm = 1.0,
            ErrorKind = ErrorCurveKind.Norm,
        };
    }
}

/// <summary>
/// The model's output error on calibration data with one layer or group at <see cref="Dimension"/>, alone or the rest at the compressor's dims.
/// </summary>
public sealed record LayerMeasurement(long Dimension, double RelativeError);
