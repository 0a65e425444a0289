namespace Gac.Compression.Pruning;

/// <summary>Global, score-ranked selection of the channels and heads to keep.</summary>
public static class StructuredPruning
{
    /// <summary>
    /// Ranks every eligible unit of a kind across all blocks by score and removes the lowest
    /// round(Ratio·eligible) of them, never the last unit of a group. Groups in kept blocks (and heads
    /// under MlpOnly) keep every unit.
    /// </summary>
    public static IReadOnlyList<PrunedGroup> Plan(IReadOnlyList<GroupImportance> groups, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Ratio >= 0 && options.Ratio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ratio, "the pruning ratio must lie in [0, 1).");
        }
        var lastBlock = groups.Count == 0 ? 0 : groups.Max(g => g.Block);
        bool Eligible(GroupImportance g) =>
            g.Block >= options.KeepFirstBlocks
            && g.Block <= lastBlock - options.KeepLastBlocks
            && !(options.MlpOnly && g.Kind == Planning.TargetKind.AttentionHeads);

        var removed = groups.Select(_ => new HashSet<int>()).ToArray();
        foreach (var kind in groups.Select(g => g.Kind).Distinct())
        {
            var units = groups
                .Select((g, gi) => (Group: g, Index: gi))
                .Where(x => x.Group.Kind == kind && Eligible(x.Group))
                .SelectMany(x => x.Group.UnitScores.Select((s, u) => (Score: s, GroupIndex: x.Index, Unit: u)))
                .OrderBy(u => u.Score)
                .ThenBy(u => u.GroupIndex)
                .ThenBy(u => u.Unit)
                .ToArray();
            var quota = (int)Math.Round(options.Ratio * units.Length, MidpointRounding.AwayFromZero);
            foreach (var unit in units)
            {
                if (quota == 0)
                {
                    break;
                }
                if (groups[unit.GroupIndex].Units - removed[unit.GroupIndex].Count > 1)
                {
                    removed[unit.GroupIndex].Add(unit.Unit);
                    quota--;
                }
            }
        }
        return groups.Select((g, gi) => new PrunedGroup(g, Enumerable.Range(0, g.Units).Where(u => !removed[gi].Contains(u)).ToArray())).ToArray();
    }
}
