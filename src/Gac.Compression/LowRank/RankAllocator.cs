namespace Gac.Compression.LowRank;

/// <summary>
/// Chooses per-layer ranks so that the factored linear weights fit a parameter budget.
/// </summary>
public static class RankAllocator
{
    /// <summary>
    /// SVD-LLM style: the same parameter ratio p = 1 − <paramref name="compressionRatio"/> for every layer.
    /// </summary>
    public static RankAllocation Uniform(IReadOnlyList<(string Name, long Rows, long Columns)> layers, double compressionRatio)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ValidateRatio(compressionRatio);
        var p = 1 - compressionRatio;
        var chosen = layers.Select(l => new LayerRank(l.Name, l.Rows, l.Columns, RankRatio.RankForRatio(p, l.Rows, l.Columns))).ToArray();
        var dense = layers.Sum(l => l.Rows * l.Columns);
        return new RankAllocation(chosen, Budget(dense, compressionRatio), dense);
    }

    /// <summary>
    /// ASVD's sensitivity-based allocation: a global threshold τ on the scores, each layer taking the
    /// smallest grid ratio whose score is ≤ τ, with τ the smallest value that fits the budget
    /// (binary search over the distinct scores). The grid leaves slack of up to one step of one layer,
    /// so leftover parameters are then spent one rank at a time where the error curve falls most per
    /// parameter. Result: Σ params ≤ budget and within one layer's K+N of it.
    /// </summary>
    /// <param name="compressionRatio">Fraction of the linear parameters to remove; budget = (1 − ρ)·Σ K·N.</param>
    public static RankAllocation Allocate(IReadOnlyList<LayerSensitivity> layers, double compressionRatio)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ValidateRatio(compressionRatio);
        var dense = layers.Sum(l => l.DenseParameters);
        var budget = Budget(dense, compressionRatio);

        var thresholds = layers.SelectMany(l => l.Scores).Distinct().Order().ToArray();
        var lowest = 0;
        var highest = thresholds.Length - 1;
        if (ParametersAt(layers, thresholds[highest]) > budget)
        {
            throw new ArgumentOutOfRangeException(nameof(compressionRatio), compressionRatio,
                $"even the smallest grid ratio of every layer exceeds the budget of {budget} parameters.");
        }
        while (lowest < highest)
        {
            var middle = (lowest + highest) / 2;
            if (ParametersAt(layers, thresholds[middle]) <= budget)
            {
                highest = middle;
            }
            else
            {
                lowest = middle + 1;
            }
        }
        var tau = thresholds[lowest];
        var ranks = layers.Select(l => Choose(l, tau)).ToArray();
        FillSlack(layers, ranks, budget);
        return new RankAllocation(ranks, budget, dense);
    }

    private static long Budget(long dense, double compressionRatio) => (long)Math.Floor((1 - compressionRatio) * dense);

    private static void ValidateRatio(double compressionRatio)
    {
        if (!(compressionRatio > 0 && compressionRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(compressionRatio), compressionRatio, "the compression ratio must lie in (0, 1).");
        }
    }

    private static long ParametersAt(IReadOnlyList<LayerSensitivity> layers, double tau) => layers.Sum(l => Choose(l, tau).Parameters);

    private static LayerRank Choose(LayerSensitivity layer, double tau)
    {
        // Smallest ratio whose score is within the threshold; the densest grid point otherwise.
        var order = Enumerable.Range(0, layer.Ratios.Count).OrderBy(i => layer.Ratios[i]).ToArray();
        var pick = order.FirstOrDefault(i => layer.Scores[i] <= tau, order[^1]);
        var ratio = layer.Ratios[pick];
        return new LayerRank(layer.Name, layer.Rows, layer.Columns, ratio >= 1.0 ? null : RankRatio.RankForRatio(ratio, layer.Rows, layer.Columns));
    }

    private static void FillSlack(IReadOnlyList<LayerSensitivity> layers, LayerRank[] ranks, long budget)
    {
        var slack = budget - ranks.Sum(r => r.Parameters);
        var queue = new PriorityQueue<int, double>();
        for (var i = 0; i < ranks.Length; i++)
        {
            Enqueue(i);
        }
        while (queue.TryDequeue(out var i, out _))
        {
            var unit = ranks[i].Rows + ranks[i].Columns;
            if (unit > slack)
            {
                continue;
            }
            ranks[i] = ranks[i] with { Rank = ranks[i].Rank + 1 };
            slack -= unit;
            Enqueue(i);
        }

        void Enqueue(int i)
        {
            var layer = ranks[i];
            // Dense layers stay dense; a rank never grows past break-even, where dense is cheaper.
            if (layer.Rank is not { } r || r + 1 > RankRatio.BreakEvenRank(layer.Rows, layer.Columns))
            {
                return;
            }
            queue.Enqueue(i, -MarginalGain(layers[i], r) / (layer.Rows + layer.Columns));
        }
    }

    /// <summary>Drop in squared normalised error from rank r to r+1; interpolated from the grid without a curve.</summary>
    private static double MarginalGain(LayerSensitivity layer, int rank)
    {
        if (layer.ErrorCurve is { } curve && rank + 1 < curve.Length)
        {
            return curve[rank] * curve[rank] - curve[rank + 1] * curve[rank + 1];
        }
        var points = Enumerable.Range(0, layer.Ratios.Count)
            .Where(i => layer.Ratios[i] < 1.0)
            .Select(i => (Rank: (double)RankRatio.RankForRatio(layer.Ratios[i], layer.Rows, layer.Columns), Score: layer.Scores[i]))
            .OrderBy(p => p.Rank)
            .ToArray();
        var next = points.FirstOrDefault(p => p.Rank > rank);
        var previous = points.LastOrDefault(p => p.Rank <= rank);
        if (next == default || previous == default || next.Rank == previous.Rank)
        {
            return 0;
        }
        var slope = (previous.Score * previous.Score - next.Score * next.Score) / (next.Rank - previous.Rank);
        return Math.Max(0, slope);
    }
}
