using Gac.Compression.Pruning;
using Gac.Core.Planning;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The error curve GAC aligns pruned groups with: the very quantity the pruner minimises. Within a
/// kind (MLP channels, heads) the pruner removes the globally lowest activation-weighted scores, i.e.
/// it minimises the summed score of the removed units; a group's curve is therefore that removed
/// score mass when keeping its best d units — additive across groups (<see cref="ErrorCurveKind.Loss"/>),
/// not a per-group share (which would weigh a quiet group's channels like a loud one's) and not squared.
/// Scores of different kinds are not comparable, so each kind is scaled by its marginal score per
/// parameter at the pruner's cut: there the pruner's own split between kinds is where the combined
/// objective stops improving, so GAC trades between kinds only where the scores say it pays.
/// </summary>
public static class PruningObjective
{
    /// <summary>Curve and normaliser per group name.</summary>
    public static IReadOnlyDictionary<string, (ErrorCurve Curve, double Norm)> Curves(IReadOnlyList<PrunedGroup> pruned)
    {
        var total = pruned.Sum(p => (double)p.Group.Units * p.Group.ParamsPerUnit);
        var result = new Dictionary<string, (ErrorCurve, double)>(StringComparer.Ordinal);
        foreach (var kind in pruned.Select(p => p.Group.Kind).Distinct())
        {
            var groups = pruned.Where(p => p.Group.Kind == kind).ToList();
            var perParameter = MarginalScorePerParameter(groups);
            foreach (var group in groups)
            {
                result[group.Group.Name] = (RemovedMass(group.Group), Math.Max(perParameter * total, double.Epsilon));
            }
        }

        return result;
    }

    /// <summary>curve[d] = Σ of the scores of the units removed when the best d are kept, d = 0…units.</summary>
    internal static ErrorCurve RemovedMass(GroupImportance group)
    {
        var descending = group.UnitScores.OrderDescending().ToArray();
        var curve = new double[descending.Length + 1];
        for (var d = descending.Length - 1; d >= 0; d--)
        {
            curve[d] = curve[d + 1] + Math.Max(0, descending[d]);
        }

        return ErrorCurve.FromDense(curve);
    }

    /// <summary>
    /// The score at the cut between removed and kept units (midway between the highest removed and the
    /// lowest kept), per parameter; the mean score when the kind lost nothing; 1 when every score is 0.
    /// </summary>
    private static double MarginalScorePerParameter(IReadOnlyList<PrunedGroup> groups)
    {
        var removed = groups.SelectMany(g => Enumerable.Range(0, g.Group.Units).Except(g.Kept).Select(u => g.Group.UnitScores[u] / g.Group.ParamsPerUnit))
            .ToList();
        var kept = groups.SelectMany(g => g.Kept.Select(u => g.Group.UnitScores[u] / g.Group.ParamsPerUnit)).ToList();
        var cut = removed.Count > 0 && kept.Count > 0 ? (removed.Max() + kept.Min()) / 2
            : groups.SelectMany(g => g.Group.UnitScores.Select(s => s / g.Group.ParamsPerUnit)).DefaultIfEmpty(0).Average();
        return cut > 0 ? cut : 1;
    }
}
