using System.Numerics;

namespace Gac.Core.Planning;

/// <summary>
/// Multiple-choice knapsack by dynamic programming over an integer budget unit (GAC paper §2,
/// D[i][b] = max_j D[i−1][b − w_ij] + v_ij), without the published scripts' flaw of flooring
/// costs (GAC-METHOD §3): each class's lightest option is subtracted, the unit is the gcd of the
/// remaining costs, so the table is exact. When the table would exceed the cell limit the unit is
/// coarsened and costs are rounded UP, so every plan the table accepts still fits the real budget.
/// </summary>
public static class ExactKnapsackSolver
{
    public const string Name = "exact-table";

    /// <summary>The solution, or null when even the lightest plan exceeds the budget.</summary>
    public static KnapsackSolution? Solve(KnapsackInstance instance, long maxTableCells = 1L << 25)
    {
        var n = instance.Classes;
        if (instance.Weights.Any(w => w.Length is 0 or > 256))
        {
            // Choices are stored one byte per cell; a ±64-step window yields at most 130 options.
            throw new ArgumentException("Every class needs 1 to 256 options.", nameof(instance));
        }

        var minWeight = instance.Weights.Select(w => w.Min()).ToArray();
        var slack = instance.Budget - minWeight.Sum();
        if (slack < 0)
        {
            return null;
        }

        var extra = new long[n][];
        long unit = 0, extraTotal = 0;
        for (var i = 0; i < n; i++)
        {
            extra[i] = instance.Weights[i].Select(w => w - minWeight[i]).ToArray();
            extraTotal += extra[i].Max();
            foreach (var e in extra[i])
            {
                unit = Gcd(unit, e);
            }
        }

        if (slack >= extraTotal)
        {
            // Everything fits: each class takes its best option independently.
            var free = Enumerable.Range(0, n).Select(i => BestIndex(instance.Values[i])).ToArray();
            return new KnapsackSolution(free, instance.ValueOf(free), instance.WeightOf(free), Name, true, Math.Max(unit, 1), 0, null);
        }

        unit = Math.Max(unit, 1);

        // One byte per cell in a single array: keep the table well inside .NET's array limits.
        maxTableCells = Math.Clamp(maxTableCells, 1, 1L << 30);
        var capacity = slack / unit;
        var exact = true;
        if ((capacity + 1) * n > maxTableCells)
        {
            var factor = (((capacity + 1) * n) + maxTableCells - 1) / maxTableCells;
            unit *= factor;
            capacity = slack / unit;
            exact = false;
        }

        var cost = new int[n][];
        for (var i = 0; i < n; i++)
        {
            // Ceiling: a coarse unit may overstate a cost, never understate it.
            var u = unit;
            var cap = capacity + 1;
            cost[i] = extra[i].Select(e => (int)Math.Min((e + u - 1) / u, cap)).ToArray();
        }

        var choices = RunTable(cost, instance.Values, (int)capacity, out var cells);
        var solution = new KnapsackSolution(choices, instance.ValueOf(choices), instance.WeightOf(choices), Name, exact, unit, cells, null);
        return solution;
    }

    private static int[] RunTable(int[][] cost, IReadOnlyList<double[]> values, int capacity, out long cells)
    {
        var n = cost.Length;

        // Row i only matters on [lo_i, hi_i]: above hi_i (Σ heaviest costs so far) the row is flat, and
        // below lo_i (capacity − Σ heaviest costs still to come) the final budget can never be reached.
        var hi = new int[n];
        var lo = new int[n];
        long prefix = 0;
        for (var i = 0; i < n; i++)
        {
            prefix += cost[i].Max();
            hi[i] = (int)Math.Min(capacity, prefix);
        }

        long suffix = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            lo[i] = (int)Math.Max(0, capacity - suffix);
            suffix += cost[i].Max();
        }

        var width = capacity + 1;
        var choice = new byte[(long)n * width];
        var prev = new double[width];
        var cur = new double[width];
        var picked = new double[width];
        var prevHi = capacity; // before the first row every budget is worth 0
        cells = 0;
        for (var i = 0; i < n; i++)
        {
            int top = hi[i], bottom = lo[i];
            if (top > prevHi)
            {
                prev.AsSpan(prevHi + 1, top - prevHi).Fill(prev[prevHi]);
            }

            var next = cur.AsSpan(0, top + 1);
            next[bottom..].Fill(double.NegativeInfinity);
            var c = cost[i];
            var v = values[i];
            for (var j = 0; j < c.Length; j++)
            {
                var start = Math.Max(bottom, c[j]);
                if (start <= top)
                {
                    Relax(prev.AsSpan(start - c[j], top + 1 - start), next[start..], picked.AsSpan(start, top + 1 - start), v[j], j);
                }
            }

            var row = choice.AsSpan((int)((long)i * width), width);
            for (var b = bottom; b <= top; b++)
            {
                row[b] = (byte)picked[b];
            }

            cells += top + 1 - bottom;
            (prev, cur) = (cur, prev);
            prevHi = top;
        }

        var picks = new int[n];
        var budget = capacity;
        for (var i = n - 1; i >= 0; i--)
        {
            budget = Math.Min(budget, hi[i]);
            var j = choice[((long)i * width) + budget];
            picks[i] = j;
            budget -= cost[i][j];
        }

        return picks;
    }

    /// <summary>
    /// to[k] = max(to[k], from[k] + value), remembering <paramref name="option"/> where it won. Vectorised:
    /// the choice is kept as a double lane beside the value so one mask updates both; a strict
    /// "greater" keeps the earlier option on ties, as the scalar loop would.
    /// </summary>
    private static void Relax(ReadOnlySpan<double> from, Span<double> to, Span<double> choice, double value, int option)
    {
        var lanes = Vector<double>.Count;
        var add = new Vector<double>(value);
        var mark = new Vector<double>(option);
        var k = 0;
        for (; k <= to.Length - lanes; k += lanes)
        {
            var candidate = new Vector<double>(from[k..]) + add;
            var current = new Vector<double>(to[k..]);
            var better = Vector.GreaterThan(candidate, current);
            Vector.ConditionalSelect(better, candidate, current).CopyTo(to[k..]);
            Vector.ConditionalSelect(better, mark, new Vector<double>(choice[k..])).CopyTo(choice[k..]);
        }

        for (; k < to.Length; k++)
        {
            var candidate = from[k] + value;
            if (candidate > to[k])
            {
                to[k] = candidate;
                choice[k] = option;
            }
        }
    }

    internal static int BestIndex(double[] values)
    {
        var best = 0;
        for (var j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }

        return best;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Abs(a);
    }
}
