using Gac.Core.Calibration;
using Gac.Core.Planning;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 3b: measure, per layer or group, what the aligned dims next to the compressor's d* cost in
/// output error, and turn that into a planning problem whose curves are measurements. A per-layer
/// proxy (share of spectral energy, removed importance) says how much of the layer a cut loses, not
/// how much of the model's output — on PaddleOCR's recognizer a 120×120 attention output projection
/// cut to rank 53 costs more output error than a 120×360 qkv projection at rank 54 — and far from d*
/// the proxy's shape is a guess. So each decision is moved to the aligned values either side of d*
/// (and to d* itself where d* is aligned: it may then move either way) while every other decision
/// keeps the compressor's dims, the model's relative output error E on the first quarter of the
/// calibration samples is measured, and the measured problem offers exactly those values (a ±1-step
/// window) with err = E. The aligned plan lives beside the compressor's plan, where every layer is
/// cut and the cuts interact; measured there, Σ E_i(d)² = n·E₀² + Σ ΔE_i² to first order (E₀ the
/// compressor's plan's error), so minimising it chooses which layers round up and which pay for it
/// by their effect on that plan's output error. Cutting one layer alone from the original model
/// measures another point: on PaddleOCR's recognizer (SVD at 0.15) the second block's attention
/// output projection alone is better at rank 56 than 48, but beside the other cuts 48 is better by a
/// quarter, and every plan built on the alone probes measured worse than the unaligned model. The
/// run then measures the plan against the others before keeping one.
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

        var multiple = run.Profile.Multiple;
        var decisions = plan.Problem.Decisions;
        var probes = decisions.SelectMany(d => ProbeDimensions(d, multiple).Select(dim => (Decision: d, Dimension: dim))).ToList();
        var measured = decisions.ToDictionary(d => d.Id, _ => new List<LayerMeasurement>(), StringComparer.Ordinal);
        var compressor = CompressorRanks(decisions);
        for (var start = 0; start < probes.Count; start += Batch)
        {
            var batch = probes.Skip(start).Take(Batch).ToList();
            var targets = batch.Select((p, k) => new VariantTarget(
                "probe", $"probe-{start + k + 1}", InPlan(compressor, p.Decision.Id, checked((int)p.Dimension)),
                    $"{p.Decision.Id} at {p.Dimension}, the rest at the compressor's dims")).ToList();
            var variants = plan.Write(run, model, statistics, targets);
            for (var k = 0; k < batch.Count; k++)
            {
                run.CancellationToken.ThrowIfCancellationRequested();
                var error = probe.ProbeError(variants[k], $"probe {batch[k].Decision.Id}");
                CalibrationProbe.Delete(variants[k]);
                measured[batch[k].Decision.Id].Add(new LayerMeasurement(batch[k].Dimension, error));
                run.Report("probe", $"[{start + k + 1}/{probes.Count}] {batch[k].Decision.Id} alone at {batch[k].Dimension}: relative error {error:G4} on " +
                    $"{probe.ProbeSamples} calibration sample(s)");
            }
        }

        var problem = plan.Problem with
        {
            Name = plan.Problem.Name + "-measured",
            Decisions = decisions.Select(d => MeasuredDecision(d, measured[d.Id])).ToList(),
        };
        return plan with
        {
            MeasuredProblem = problem,
            Measured = measured.ToDictionary(p => p.Key, p => (IReadOnlyList<LayerMeasurement>)p.Value.OrderBy(m => m.Dimension).ToList(),
                StringComparer.Ordinal),
        };
    }

    /// <summary>The compressor's own dims (the unaligned plan): d* floored, a decision kept whole as null.</summary>
    internal static Dictionary<string, int?> CompressorRanks(IReadOnlyList<PlanningDecision> decisions)
        => decisions.ToDictionary(d => d.Id, d => RoundingBaseline.Apply(d, RoundingRule.None, 1) is { IsDense: false } choice &&
            (choice.Dimension < d.MaxDimension && d.ParamsAt(choice.Dimension) < d.DenseParams) ? checked((int)choice.Dimension) : (int?)null,
            StringComparer.Ordinal);

    private static Dictionary<string, int?> InPlan(IReadOnlyDictionary<string, int?> compressor, string id, int dimension)
        => new(compressor, StringComparer.Ordinal) { [id] = dimension };

    /// <summary>
    /// The aligned values a ±1-step window around d* offers that save parameters: floor and ceiling
    /// multiples when d* is misaligned, d* and one step either side when it is aligned; none when the
    /// compressor kept the decision whole (the measured problem keeps it whole too).
    /// </summary>
    internal static IReadOnlyList<long> ProbeDimensions(PlanningDecision decision, int multiple)
    {
        if (decision.Dense == DenseOption.Required || decision.TargetIsDense)
        {
            return [];
        }

        var step = CandidateSweep.StepFor(decision, multiple);
        var target = (long)Math.Floor(decision.Target + 1e-9);
        var dims = target % step == 0
            ? new[] { target - step, target, target + step }
            : [target / step * step, ((target / step) + 1) * step];
        return dims.Where(d => d >= step && d < decision.MaxDimension && decision.ParamsAt(d) < decision.DenseParams).ToArray();
    }

    /// <summary>
    /// The decision with its measured curve: err(d) = E at each probed d, made non-increasing (a
    /// larger dim measured worse is read as no better); kept whole where the compressor kept it whole.
    /// The whole layer or group is not probed: it gets the lowest measured error, so the plan never
    /// pays its parameters on a guess that it is better than the best measured cut.
    /// </summary>
    private static PlanningDecision MeasuredDecision(PlanningDecision decision, IReadOnlyList<LayerMeasurement> measurements)
    {
        if (decision.TargetIsDense)
        {
            return decision with { Dense = DenseOption.Required, ErrorCurve = null, ErrorNorm = null };
        }

        // No probe: the window's only candidate is the whole layer or group, which loses nothing.
        var points = measurements.OrderBy(m => m.Dimension).Select(m => (m.Dimension, Error: m.RelativeError)).ToList();
        if (points.Count == 0 || points[^1].Dimension < decision.MaxDimension)
        {
            points.Add((decision.MaxDimension, points.Count == 0 ? 0 : points.Min(p => p.Error)));
        }

        var errors = points.Select(p => p.Error).ToArray();
        for (var i = errors.Length - 2; i >= 0; i--)
        {
            errors[i] = Math.Max(errors[i], errors[i + 1]);
        }

        return decision with
        {
            ErrorCurve = ErrorCurve.FromPoints(points.Select(p => p.Dimension).ToArray(), errors),
            ErrorNorm = 1.0,
            ErrorKind = ErrorCurveKind.Norm,
        };
    }
}

/// <summary>The model's output error on calibration data with one layer or group alone cut to <see cref="Dimension"/>.</summary>
public sealed record LayerMeasurement(long Dimension, double RelativeError);
