using System.Runtime.CompilerServices;

namespace Gac.Core.Planning;

/// <summary>
/// The partial plans of <see cref="ParetoKnapsackSolver"/>, one layer per placed class: each layer is
/// sorted by weight with strictly increasing value (the Pareto front), and remembers its parent
/// state and option so the best plan can be read back.
/// </summary>
internal sealed class ParetoStates(long maxStates)
{
    private readonly List<Layer> _layers = [];
    private long _work;

    /// <summary>States kept over all layers (the report's table cells).</summary>
    public long Created { get; private set; }

    public void Start(long weight, double value, double penalty)
    {
        _layers.Clear();
        _layers.Add(new Layer([weight], [value], [penalty], [-1], [-1]));
        Created = 1;
    }

    /// <summary>
    /// Places one class: every state × surviving option whose weight stays within
    /// <paramref name="maxWeight"/> and whose penalty stays within <paramref name="limit"/>, reduced to
    /// the Pareto front. False when the state budget is spent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Extend(long[] weights, double[] values, double[] penalties, int[] options, long maxWeight, double limit)
    {
        var prev = _layers[^1];
        var generated = prev.Weight.Length * (long)options.Length;
        _work += generated;
        if (_work > 4 * maxStates)
        {
            return false;
        }

        var keys = new long[generated];
        var order = new int[generated];
        var n = 0;
        for (var s = 0; s < prev.Weight.Length; s++)
        {
            for (var o = 0; o < options.Length; o++)
            {
                var j = options[o];
                var total = prev.Weight[s] + weights[j];
                if (total <= maxWeight && prev.Penalty[s] + penalties[j] <= limit)
                {
                    keys[n] = total;
                    order[n] = (s * options.Length) + o;
                    n++;
                }
            }
        }

        // Sort candidates by weight; among equal weights the best value wins, then the earliest
        // generated (lower parent state, earlier option), so the result does not depend on the sort.
        Array.Sort(keys, order, 0, n);
        // Plain arrays (no tuples, no LINQ): value-type generic code is JIT-compiled on first use, and a
        // plan is usually solved once per process.
        var weight = new long[n];
        var value = new double[n];
        var penalty = new double[n];
        var parent = new int[n];
        var option = new int[n];
        var count = 0;
        var bestValue = double.NegativeInfinity;
        for (var start = 0; start < n;)
        {
            var end = start;
            var pick = -1;
            var pickValue = double.NegativeInfinity;
            for (; end < n && keys[end] == keys[start]; end++)
            {
                var (s, o) = Math.DivRem(order[end], options.Length);
                var candidate = prev.Value[s] + values[options[o]];
                if (candidate > pickValue || (candidate == pickValue && order[end] < order[pick]))
                {
                    pick = end;
                    pickValue = candidate;
                }
            }

            if (pickValue > bestValue)
            {
                var (s, o) = Math.DivRem(order[pick], options.Length);
                weight[count] = keys[pick];
                value[count] = pickValue;
                penalty[count] = prev.Penalty[s] + penalties[options[o]];
                parent[count] = s;
                option[count] = options[o];
                count++;
                bestValue = pickValue;
            }

            start = end;
        }

        Created += count;
        if (Created > maxStates)
        {
            return false;
        }

        _layers.Add(new Layer(weight[..count], value[..count], penalty[..count], parent[..count], option[..count]));
        return true;
    }

    /// <summary>The options of the most valuable complete plan (the last state of the last layer), one per placed class.</summary>
    public int[] BestPath(int classes)
    {
        var picks = new int[classes];
        var state = _layers[^1].Weight.Length - 1;
        for (var k = classes; k >= 1; k--)
        {
            var layer = _layers[k];
            picks[k - 1] = layer.Option[state];
            state = layer.Parent[state];
        }

        return picks;
    }

    private sealed record Layer(long[] Weight, double[] Value, double[] Penalty, int[] Parent, int[] Option);
}
