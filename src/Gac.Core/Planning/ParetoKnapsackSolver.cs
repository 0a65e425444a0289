using System.Runtime.CompilerServices;

namespace Gac.Core.Planning;

/// <summary>
/// Exact multiple-choice knapsack for large instances, without a table over the whole budget.
/// Dynamic programming keeps only Pareto states (weight, value) of partial plans — a state heavier and
/// not better than another can never complete to a better plan (Nemhauser and Ullmann, Management
/// Science 15(9), 1969) — and bounds them by the Lagrangian dual. With the LP multiplier λ and
/// L(λ) = λ·B + Σ_i max_k (v_ik − λ·w_ik), every feasible plan x has
///   value(x) = L(λ) − Σ_i p_i(x_i) − λ·(B − W(x)),  p_ij = max_k (v_ik − λ·w_ik) − (v_ij − λ·w_ij) ≥ 0,
/// so a plan at least as good as the greedy incumbent has Σ_i p_i(x_i) ≤ gap = L(λ) − incumbent. Options
/// and partial plans whose penalties already exceed the gap are cut (the bound reduction of Dyer,
/// Kayal and Walker, EJOR 18, 1984, applied here to every partial plan, not only to single options).
/// Nothing that could be optimal is cut, so the best surviving plan is proven optimal.
/// </summary>
public static class ParetoKnapsackSolver
{
    public const string Name = "pareto-bound";

    /// <summary>
    /// Solves <paramref name="instance"/> exactly. Returns false (and no solution) when the surviving
    /// states would exceed <paramref name="maxStates"/>: the caller falls back to the table. On true,
    /// <paramref name="solution"/> is null only when even the lightest plan exceeds the budget.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TrySolve(KnapsackInstance instance, long maxStates, out KnapsackSolution? solution)
    {
        solution = null;
        if (instance.MinimumWeight > instance.Budget)
        {
            return true;
        }

        var incumbent = LagrangianKnapsackSolver.Run(instance, out var lambda)!;
        var penalties = Penalties(instance, lambda, out var dual, out var scale);

        // Summation order differs between the bound and the plans; the tolerance keeps a plan that
        // rounding alone would push over the gap (cutting less is always safe).
        var limit = Math.Max(0, dual - incumbent.Value) + (1e-9 * scale);
        var options = Survivors(instance, penalties, limit);
        var fixedList = new List<int>();
        var openList = new List<int>();
        for (var i = 0; i < instance.Classes; i++)
        {
            (options[i].Length == 1 ? fixedList : openList).Add(i);
        }

        var fixedClasses = fixedList.ToArray();
        var open = openList.ToArray();

        var states = new ParetoStates(maxStates);
        long baseWeight = 0;
        double baseValue = 0, basePenalty = 0;
        foreach (var i in fixedClasses)
        {
            var j = options[i][0];
            baseWeight += instance.Weights[i][j];
            baseValue += instance.Values[i][j];
            basePenalty += penalties[i][j];
        }

        // Σ of the lightest surviving option of every class not yet placed: a state that cannot fit
        // them within B is dropped.
        var lightestAfter = new long[open.Length + 1];
        for (var k = open.Length - 1; k >= 0; k--)
        {
            var i = open[k];
            var lightest = long.MaxValue;
            foreach (var j in options[i])
            {
                lightest = Math.Min(lightest, instance.Weights[i][j]);
            }

            lightestAfter[k] = lightestAfter[k + 1] + lightest;
        }

        states.Start(baseWeight, baseValue, basePenalty);
        for (var k = 0; k < open.Length; k++)
        {
            var i = open[k];
            if (!states.Extend(instance.Weights[i], instance.Values[i], penalties[i], options[i], instance.Budget - lightestAfter[k + 1], limit))
            {
                return false;
            }
        }

        var choices = new int[instance.Classes];
        foreach (var i in fixedClasses)
        {
            choices[i] = options[i][0];
        }

        var picks = states.BestPath(open.Length);
        for (var k = 0; k < open.Length; k++)
        {
            choices[open[k]] = picks[k];
        }

        var best = new KnapsackSolution(choices, instance.ValueOf(choices), instance.WeightOf(choices), Name, true, 1, states.Created, null);

        // The incumbent survives every cut, so the search can only match or beat it; keep it on a
        // rounding-level tie so the answer never gets worse than the greedy plan's.
        solution = best.Value >= incumbent.Value ? best : incumbent with { Solver = Name, ProvenOptimal = true, Unit = 1, TableCells = states.Created, UpperBound = null };
        return true;
    }

    /// <summary>p_ij, the dual bound L(λ), and a magnitude for the rounding tolerance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[][] Penalties(KnapsackInstance instance, double lambda, out double dual, out double scale)
    {
        var penalties = new double[instance.Classes][];
        dual = lambda * instance.Budget;
        scale = 1 + Math.Abs(dual);
        for (var i = 0; i < instance.Classes; i++)
        {
            var w = instance.Weights[i];
            var v = instance.Values[i];
            var reduced = new double[w.Length];
            var best = double.NegativeInfinity;
            var largest = 0.0;
            for (var j = 0; j < w.Length; j++)
            {
                reduced[j] = v[j] - (lambda * w[j]);
                best = Math.Max(best, reduced[j]);
                largest = Math.Max(largest, Math.Abs(v[j]) + Math.Abs(lambda * w[j]));
            }

            for (var j = 0; j < w.Length; j++)
            {
                reduced[j] = best - reduced[j];
            }

            penalties[i] = reduced;
            dual += best;
            scale += largest;
        }

        return penalties;
    }

    /// <summary>
    /// Per class, the options that can be in a plan at least as good as the incumbent: penalty within
    /// the limit and not dominated (another option weighs no more and is worth at least as much; on an
    /// exact tie the earlier option, the instance's preference, stays).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[][] Survivors(KnapsackInstance instance, double[][] penalties, double limit)
    {
        var survivors = new int[instance.Classes][];
        for (var i = 0; i < instance.Classes; i++)
        {
            var w = instance.Weights[i];
            var v = instance.Values[i];
            var kept = new List<int>(w.Length);
            for (var j = 0; j < w.Length; j++)
            {
                if (penalties[i][j] > limit)
                {
                    continue;
                }

                var dominated = false;
                for (var k = 0; k < w.Length && !dominated; k++)
                {
                    dominated = k != j && w[k] <= w[j] && v[k] >= v[j] && (w[k] < w[j] || v[k] > v[j] || k < j);
                }

                if (!dominated)
                {
                    kept.Add(j);
                }
            }

            survivors[i] = kept.ToArray();
        }

        return survivors;
    }
}
