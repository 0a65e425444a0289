using System.Runtime.CompilerServices;

namespace Gac.Core.Planning;

/// <summary>
/// For instances too large for the exact table: the LP relaxation of the multiple-choice knapsack,
/// which equals its Lagrangian dual (Sinha and Zoltners, Operations Research 27(3), 1979). Each
/// class's options are reduced to the upper convex hull of (weight, value); hull steps are taken
/// in order of value per weight until the budget breaks. The fractional break step gives an upper
/// bound on the optimum; the integer plan continues greedily with steps that still fit, then a
/// single-class improvement pass. Gap = bound − plan value.
/// </summary>
public static class LagrangianKnapsackSolver
{
    public const string Name = "lagrangian-greedy";

    public static KnapsackSolution? Solve(KnapsackInstance instance) => Run(instance, out _);

    /// <summary>
    /// As <see cref="Solve"/>, also giving the LP's optimal multiplier λ (the efficiency of the break
    /// step; 0 when every improving step fits): L(λ) = λ·B + Σ max_j (v_ij − λ·w_ij) is the dual bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static KnapsackSolution? Run(KnapsackInstance instance, out double multiplier)
    {
        multiplier = 0;
        var n = instance.Classes;
        var hulls = new int[n][];
        var picks = new int[n];
        var position = new int[n];
        long weight = 0;
        for (var i = 0; i < n; i++)
        {
            hulls[i] = UpperHull(instance.Weights[i], instance.Values[i]);
            picks[i] = hulls[i][0];
            weight += instance.Weights[i][picks[i]];
        }

        if (weight > instance.Budget)
        {
            return null;
        }

        // Steps are a class, not a tuple: sorting them then runs the runtime's precompiled shared generic
        // code instead of JIT-compiling a value-type instantiation, which dominated a cold `plan` call.
        var steps = new List<HullStep>();
        for (var i = 0; i < n; i++)
        {
            var h = hulls[i];
            for (var k = 1; k < h.Length; k++)
            {
                var dw = instance.Weights[i][h[k]] - instance.Weights[i][h[k - 1]];
                var dv = instance.Values[i][h[k]] - instance.Values[i][h[k - 1]];
                steps.Add(new HullStep(dv / dw, i, k, dw, dv));
            }
        }

        // Deterministic: by efficiency, then class, then hull position (keeps each class's steps in order).
        steps.Sort((x, y) => y.Efficiency.CompareTo(x.Efficiency) is var c and not 0 ? c
            : x.Class != y.Class ? x.Class.CompareTo(y.Class) : x.Index.CompareTo(y.Index));

        var value = instance.ValueOf(picks);
        double? bound = null;
        foreach (var s in steps)
        {
            if (s.Efficiency <= 0)
            {
                break;
            }

            var residual = instance.Budget - weight;
            if (position[s.Class] + 1 != s.Index)
            {
                continue;
            }

            if (s.DWeight <= residual)
            {
                position[s.Class] = s.Index;
                picks[s.Class] = hulls[s.Class][s.Index];
                weight += s.DWeight;
                value += s.DValue;
            }
            else
            {
                // The first step that does not fit: its fractional part closes the LP bound.
                if (bound is null)
                {
                    bound = value + (s.Efficiency * residual);
                    multiplier = s.Efficiency;
                }
            }
        }

        ImproveSingleSwaps(instance, picks, ref weight);
        value = instance.ValueOf(picks);
        var upper = bound ?? value;
        return new KnapsackSolution(picks, value, weight, Name, bound is null, 1, 0, Math.Max(upper, value));
    }

    /// <summary>Indices of the options on the upper convex hull, by increasing weight and strictly increasing value.</summary>
    internal static int[] UpperHull(long[] weights, double[] values)
    {
        // By weight, then value descending, then index: an insertion sort (a class has at most a few
        // hundred options) keeps this free of LINQ's value-type generic instantiations.
        var order = new int[weights.Length];
        for (var j = 0; j < order.Length; j++)
        {
            var at = j;
            while (at > 0 && (weights[order[at - 1]] > weights[j] || (weights[order[at - 1]] == weights[j] && values[order[at - 1]] < values[j])))
            {
                order[at] = order[at - 1];
                at--;
            }

            order[at] = j;
        }

        var hull = new List<int>();
        foreach (var j in order)
        {
            if (hull.Count > 0 && (weights[j] == weights[hull[^1]] || values[j] <= values[hull[^1]]))
            {
                continue; // same weight but not better, or heavier and not better: dominated
            }

            while (hull.Count >= 2 && !IsConcaveTurn(weights, values, hull[^2], hull[^1], j))
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(j);
        }

        return hull.ToArray();
    }

    private static bool IsConcaveTurn(long[] w, double[] v, int a, int b, int c)
    {
        // Slope a→b must exceed slope b→c for b to stay on the upper hull.
        var left = (v[b] - v[a]) * (w[c] - w[b]);
        var right = (v[c] - v[b]) * (double)(w[b] - w[a]);
        return left > right;
    }

    private static void ImproveSingleSwaps(KnapsackInstance instance, int[] picks, ref long weight)
    {
        for (var i = 0; i < picks.Length; i++)
        {
            var w = instance.Weights[i];
            var v = instance.Values[i];
            var best = picks[i];
            for (var j = 0; j < w.Length; j++)
            {
                if (v[j] > v[best] && weight - w[picks[i]] + w[j] <= instance.Budget)
                {
                    best = j;
                }
            }

            weight += w[best] - w[picks[i]];
            picks[i] = best;
        }
    }

    private sealed record HullStep(double Efficiency, int Class, int Index, long DWeight, double DValue);
}
