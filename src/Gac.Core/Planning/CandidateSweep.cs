using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// Step 2 of GAC (GAC-METHOD §2): aligned values near d*. Candidates are multiples of the step
/// within ±R steps of d*, clipped to [step, max]; the dense option is added where it lies inside
/// the window (or replaces low-rank splits that would not save parameters).
/// </summary>
public static class CandidateSweep
{
    /// <summary>
    /// The step in units of d: a for ranks and channels; for heads the smallest head count whose
    /// h·head_dim is a multiple of a, i.e. a / gcd(a, head_dim).
    /// </summary>
    public static long StepFor(PlanningDecision decision, int alignment)
        => alignment / Gcd(alignment, decision.ElementsPerUnit);

    public static bool IsAligned(PlanningDecision decision, long dimension, int alignment)
        => dimension > 0 && (dimension * decision.ElementsPerUnit) % alignment == 0;

    public static CandidateSet For(PlanningDecision decision, PlannerOptions options)
    {
        var a = options.AlignmentMultiple;
        var step = StepFor(decision, a);
        var dense = new Candidate(decision.MaxDimension, true, decision.DenseParams, true);
        if (decision.Dense == DenseOption.Required)
        {
            return new CandidateSet(decision, step, [dense], []);
        }

        var dropped = new List<DroppedCandidate>();
        var splits = new List<Candidate>();
        var radius = options.WindowSteps * step;

        // ±1e-9 keeps a d* that is a float hair off a multiple from losing its window edge.
        var lo = Math.Max(step, (long)Math.Ceiling(((decision.Target - radius) / step) - 1e-9) * step);
        var hi = Math.Min(
            decision.MaxDimension / step * step,
            (long)Math.Floor(((decision.Target + radius) / step) + 1e-9) * step);
        for (var d = lo; d <= hi; d += step)
        {
            splits.Add(new Candidate(d, false, decision.ParamsAt(d), true));
        }

        var offerDense = decision.Dense == DenseOption.Offered;
        var denseInWindow = decision.TargetIsDense || decision.Target + radius >= DenseEquivalentDimension(decision);
        if (offerDense && decision.Kind == DecisionKind.LowRank)
        {
            // A rank-r split only saves parameters when r·(K+N) < K·N; otherwise the full-rank layer
            // stays whole rather than being split into two larger GEMMs.
            foreach (var c in splits.Where(c => c.Parameters >= decision.DenseParams).ToList())
            {
                splits.Remove(c);
                dropped.Add(new DroppedCandidate(c.Dimension, c.Parameters, $"a rank-{c.Dimension} split costs {c.Parameters:N0} ≥ dense " +
                    $"{decision.DenseParams:N0}"));
            }
        }
        else if (offerDense && splits.Count > 0 && splits[^1].Dimension == decision.MaxDimension)
        {
            // The full width of a channel or head group is the dense layer itself.
            splits[^1] = dense;
            denseInWindow = false;
        }

        splits = DropLatencyCliffs(decision, splits, options, dropped);
        if (offerDense && (denseInWindow || splits.Count == 0))
        {
            splits.Add(dense);
        }

        if (splits.Count == 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.NoAlignedCandidate,
                $"Decision '{decision.Id}' has no candidate: no multiple of {step} (alignment {a}, {decision.ElementsPerUnit} element(s) per unit) lies in " +
                    $"[{step}, {decision.MaxDimension}] and dense is not offered.");
        }

        return new CandidateSet(decision, step, splits, dropped);
    }

    /// <summary>The d at which a split costs as much as the dense layer (K·N/(K+N) for low rank; max for groups).</summary>
    private static double DenseEquivalentDimension(PlanningDecision decision)
        => decision.Kind == DecisionKind.LowRank
            ? (decision.DenseParams - decision.FixedParams) / (double)decision.ParamsPerUnit
            : decision.MaxDimension;

    private static List<Candidate> DropLatencyCliffs(
        PlanningDecision decision, List<Candidate> candidates, PlannerOptions options, List<DroppedCandidate> dropped)
    {
        var series = decision.LatencyKey is null ? null : options.Staircase?.Find(decision.LatencyKey);
        if (series is null)
        {
            return candidates;
        }

        var timed = candidates.Select(c => c with { LatencyMs = c.IsDense ? null : series.At(c.Dimension) }).ToList();
        var kept = new List<Candidate>();
        for (var i = 0; i < timed.Count; i++)
        {
            var c = timed[i];
            var faster = c.LatencyMs is { } ms
                ? timed.Skip(i + 1).FirstOrDefault(b => b.LatencyMs is { } bms && bms < ms * (1 - options.CliffTolerance))
                : null;
            if (faster is null)
            {
                kept.Add(c);
            }
            else
            {
                dropped.Add(new DroppedCandidate(c.Dimension, c.Parameters, $"latency cliff: {c.LatencyMs:0.###} ms vs {faster.LatencyMs:0.###} ms at the " +
                    $"larger {faster.Dimension}"));
            }
        }

        return kept;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Abs(a);
    }
}
