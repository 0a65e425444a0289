using Gac.Compression.Planning;

namespace Gac.Compression.Pruning;

/// <summary>The units one group keeps (ascending indices into the original channels or heads).</summary>
public sealed record PrunedGroup(GroupImportance Group, IReadOnlyList<int> Kept)
{
    /// <summary>
    /// The aligner's input: the error curve is the share of the group's total importance lost when
    /// keeping only the best d units, d = 0…units; importance is the next unit's share per parameter.
    /// </summary>
    public UnconstrainedTarget ToTarget()
    {
        var descending = Group.UnitScores.OrderDescending().ToArray();
        var total = descending.Sum();
        var curve = new double[descending.Length + 1];
        for (var d = descending.Length - 1; d >= 0; d--)
        {
            curve[d] = curve[d + 1] + (total > 0 ? descending[d] / total : 0);
        }
        var target = Kept.Count;
        var importance = target < descending.Length ? (curve[target] - curve[target + 1]) / Group.ParamsPerUnit : 0;
        return new UnconstrainedTarget(Group.Name, Group.Kind, Group.Units, target, importance, curve, Group.ParamsPerUnit, Group.FixedParams);
    }
}
