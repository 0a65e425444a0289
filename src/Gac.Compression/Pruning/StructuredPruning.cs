using System.Globalization;
using Gac.Compression.Planning;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Pruning;

/// <summary>Global, score-ranked selection of the channels and heads to keep.</summary>
public static class StructuredPruning
{
    /// <summary>
    /// The ratio is a parameter budget, not a unit count: it removes Ratio × (compressible linear
    /// parameters), as ASVD and SVD do, so methods compare at one budget. That target is shared
    /// between kinds (MLP channels, heads) in proportion to what each kind can remove, because scores
    /// of different kinds are not comparable; within a kind every eligible unit across all blocks is
    /// ranked by score and the lowest are removed while that brings the removed parameters nearer the
    /// kind's share — so the total lands within half a unit of the finest kind (an MLP channel) of the target. A group never loses
    /// its last unit; groups in kept blocks (and heads under MlpOnly) keep every unit.
    /// </summary>
    /// <exception cref="GacException">GAC2502 when the eligible groups cannot remove the target.</exception>
    public static IReadOnlyList<PrunedGroup> Plan(IReadOnlyList<GroupImportance> groups, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Ratio >= 0 && options.Ratio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ratio, "the pruning ratio must lie in [0, 1).");
        }

        var eligible = Eligibility(groups, options);
        var target = options.Ratio * Base(groups, options);
        var capacity = Capacity(groups, eligible);
        if (target > capacity)
        {
            throw GacException.Create(DiagnosticCatalogue.PruningRatioInfeasible, InfeasibleMessage(groups, options));
        }

        var removed = groups.Select(_ => new HashSet<int>()).ToArray();
        // Coarse kinds (heads) first; what their rounding missed or overshot goes to the next kind, so
        // the total error is at most half a unit of the finest kind (an MLP channel), not of a head.
        var kinds = groups.Select(g => g.Kind).Distinct().OrderByDescending(k => groups.Where(g => g.Kind == k).Max(g => g.ParamsPerUnit)).ToList();
        double carry = 0;
        foreach (var kind in kinds)
        {
            var kindCapacity = Capacity(groups, eligible, kind);
            var share = (capacity == 0 ? 0 : target * kindCapacity / capacity) + carry;
            var units = groups
                .Select((g, gi) => (Group: g, Index: gi))
                .Where(x => x.Group.Kind == kind && eligible[x.Index])
                .SelectMany(x => x.Group.UnitScores.Select((s, u) => (Score: s, GroupIndex: x.Index, Unit: u)))
                .OrderBy(u => u.Score)
                .ThenBy(u => u.GroupIndex)
                .ThenBy(u => u.Unit)
                .ToArray();
            double removedParams = 0;
            foreach (var unit in units)
            {
                var group = groups[unit.GroupIndex];
                // Remove while it moves the total nearer the share: removed + p ≤ share + p/2.
                if (group.Units - removed[unit.GroupIndex].Count > 1 && removedParams + (group.ParamsPerUnit / 2.0) <= share)
                {
                    removed[unit.GroupIndex].Add(unit.Unit);
                    removedParams += group.ParamsPerUnit;
                }
            }

            carry = share - removedParams;
        }

        return groups.Select((g, gi) => new PrunedGroup(g, Enumerable.Range(0, g.Units).Where(u => !removed[gi].Contains(u)).ToArray())).ToArray();
    }

    /// <summary>The largest ratio these groups can meet: what they can remove over the ratio's base.</summary>
    public static double MaxRatio(IReadOnlyList<GroupImportance> groups, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(options);
        var total = Base(groups, options);
        return total <= 0 ? 0 : (double)Capacity(groups, Eligibility(groups, options)) / total;
    }

    /// <summary>The GAC2502 text, naming the largest feasible ratio rounded down so that it is feasible as written.</summary>
    public static string InfeasibleMessage(IReadOnlyList<GroupImportance> groups, PruningOptions options)
    {
        var max = Math.Floor(MaxRatio(groups, options) * 1000) / 1000;
        var what = options.MlpOnly ? "MLP channels" : "MLP channels and heads";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"compress.ratio {options.Ratio:0.###} asks pruning to remove {options.Ratio * 100:0.#}% of the compressible linear parameters, but the prunable " +
                $"{what} (keeping at least one unit per group, {options.KeepFirstBlocks} leading and {options.KeepLastBlocks} trailing block(s) whole) can " +
                $"remove at most {max:0.###} ({max * 100:0.#}%); use compress.ratio ≤ {max:0.###}.");
    }

    private static double Base(IReadOnlyList<GroupImportance> groups, PruningOptions options)
        => options.CompressibleParameters ?? groups.Sum(g => (g.Units * g.ParamsPerUnit) + g.FixedParams);

    private static bool[] Eligibility(IReadOnlyList<GroupImportance> groups, PruningOptions options)
    {
        var lastBlock = groups.Count == 0 ? 0 : groups.Max(g => g.Block);
        return groups.Select(g =>
            g.Block >= options.KeepFirstBlocks
            && g.Block <= lastBlock - options.KeepLastBlocks
            && !(options.MlpOnly && g.Kind == TargetKind.AttentionHeads)).ToArray();
    }

    /// <summary>Parameters removable by pruning every eligible group down to one unit.</summary>
    private static long Capacity(IReadOnlyList<GroupImportance> groups, bool[] eligible, TargetKind? kind = null)
        => groups.Where((g, i) => eligible[i] && (kind is null || g.Kind == kind)).Sum(g => (g.Units - 1) * g.ParamsPerUnit);
}
