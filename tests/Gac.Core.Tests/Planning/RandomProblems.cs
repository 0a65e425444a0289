using CsCheck;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

/// <summary>CsCheck generators of small knapsack instances and planning problems, plus brute force.</summary>
internal static class RandomProblems
{
    private static readonly Gen<(long[] Weights, double[] Values)> Class =
        Gen.Int[1, 5].SelectMany(m => Gen.Select(Gen.Long[0, 40].Array[m], Gen.Double[-10, 10].Array[m]));

    /// <summary>1–6 classes of 1–5 options; weights share a random factor so the gcd unit matters.</summary>
    public static readonly Gen<KnapsackInstance> Knapsack =
        Gen.Select(Class.Array[1, 6], Gen.Int[1, 7], Gen.Double[0, 1])
            .Select((classes, factor, fraction) =>
            {
                var weights = classes.Select(c => c.Weights.Select(w => w * factor).ToArray()).ToArray();
                var min = weights.Sum(w => w.Min());
                var max = weights.Sum(w => w.Max());
                var budget = (long)(min - 5 + (fraction * (max - min + 10)));
                return new KnapsackInstance(weights, classes.Select(c => c.Values).ToArray(), budget);
            });

    private static Gen<ErrorCurve?> CurveFor(long max) =>
        Gen.Int[0, 4].SelectMany(k => k == 0
            ? Gen.Const((ErrorCurve?)null)
            : Gen.Double[0, 1].Array[(int)max + 1].Select(xs => (ErrorCurve?)ErrorCurve.FromDense(xs.OrderDescending().ToArray())));

    private static readonly Gen<DenseOption> Dense =
        Gen.Int[0, 5].Select(i => i switch { 0 => DenseOption.NotOffered, 1 => DenseOption.Required, _ => DenseOption.Offered });

    private static readonly Gen<PlanningDecision> LowRank =
        Gen.Select(Gen.Long[4, 64], Gen.Long[4, 64], Gen.Double[0, 1], Gen.Double[0, 3], Gen.Bool, Dense)
            .SelectMany((k, n, t, s, bias, dense) => CurveFor(Math.Min(k, n)).Select(curve =>
                PlanningDecision.LowRank("lr", k, n, Math.Round(t * Math.Min(k, n), 2), s, bias, curve, dense)));

    private static readonly Gen<PlanningDecision> Mlp =
        Gen.Select(Gen.Long[2, 60], Gen.Long[1, 30], Gen.Double[0, 1], Gen.Double[0, 3], Gen.Long[0, 9], Dense)
            .SelectMany((w, ppc, t, s, fixedParams, dense) => CurveFor(w).Select(curve =>
                PlanningDecision.MlpChannels("mlp", w, ppc, Math.Round(t * w, 2), s, fixedParams, curve, dense)));

    private static readonly Gen<PlanningDecision> Heads =
        Gen.Select(Gen.Int[1, 12], Gen.OneOf<int>(4, 6, 8, 12, 16), Gen.Long[1, 40], Gen.Double[0, 1], Gen.Double[0, 3], Dense)
            .SelectMany((h, hd, pph, t, s, dense) => CurveFor(h).Select(curve =>
                PlanningDecision.AttentionHeads("heads", h, hd, pph, Math.Round(t * h, 2), s, 0, curve, dense)));

    /// <summary>1–4 mixed decisions, a kept fraction or "same as targets" budget, alignment 4/8/16, window 1–3.</summary>
    public static readonly Gen<(PlanningProblem Problem, PlannerOptions Options)> Planning =
        Gen.Select(Gen.OneOf(LowRank, Mlp, Heads).Array[1, 4], Gen.Double[0.1, 1.1], Gen.OneOf<int>(4, 8, 16), Gen.Int[1, 3], Gen.Bool)
            .Select((decisions, keep, multiple, window, paper) =>
            {
                var named = decisions.Select((d, i) => d with { Id = $"{d.Id}{i}" }).ToArray();
                var budget = keep > 1.0 ? PlanningBudget.SameAsTargets : PlanningBudget.FromKeptFraction(keep);
                var options = new PlannerOptions
                {
                    Profile = Gac.Core.Hardware.BuiltInProfiles.ForMultiple(multiple),
                    WindowSteps = window,
                    Objective = paper ? PlanObjectiveKind.Paper : PlanObjectiveKind.Auto,
                };
                return (new PlanningProblem("random", named, budget), options);
            });

    /// <summary>The best value over every combination, or null when none fits.</summary>
    public static double? BruteForce(KnapsackInstance instance)
    {
        double? best = null;
        var picks = new int[instance.Classes];
        while (true)
        {
            if (instance.WeightOf(picks) <= instance.Budget)
            {
                var value = instance.ValueOf(picks);
                best = best is null ? value : Math.Max(best.Value, value);
            }

            var i = 0;
            while (i < picks.Length && ++picks[i] == instance.Weights[i].Length)
            {
                picks[i++] = 0;
            }

            if (i == picks.Length)
            {
                return best;
            }
        }
    }
}
