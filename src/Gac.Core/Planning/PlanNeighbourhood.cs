namespace Gac.Core.Planning;

/// <summary>
/// Plans one move away from a given plan, for a caller that measures them (a local search guided
/// by measurement where the objective is only a model of it): one decision moved to another of its
/// candidates, or one moved up and another down so the pair still fits the budget. Ranked by the
/// objective's predicted change, least loss first: the objective's own optimum has no improving
/// neighbour under the objective, so these are the moves the objective is least sure are worse.
/// </summary>
public static class PlanNeighbourhood
{
    /// <param name="report">A solved plan; its decisions' candidate lists are the options.</param>
    /// <param name="current">Per decision, the index of the current choice in its candidate list.</param>
    /// <param name="seen">Keys (<see cref="Key"/>) of plans already measured; neighbours among them are skipped.</param>
    public static IReadOnlyList<int[]> Best(PlanReport report, IReadOnlyList<int> current, int count, IReadOnlySet<string> seen)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(current);
        var decisions = report.Decisions;
        var sign = report.Settings.ObjectiveMinimizes ? 1.0 : -1.0;
        var weight = Enumerable.Range(0, decisions.Count).Sum(i => decisions[i].Candidates[current[i]].Params);
        var moves = new List<(int[] Plan, double Loss)>();
        void Consider(int[] plan, double loss)
        {
            if (!seen.Contains(Key(plan)))
            {
                moves.Add((plan, loss));
            }
        }

        for (var i = 0; i < decisions.Count; i++)
        {
            for (var a = 0; a < decisions[i].Candidates.Count; a++)
            {
                if (a == current[i])
                {
                    continue;
                }

                var di = Delta(decisions[i], current[i], a, sign);
                var wi = decisions[i].Candidates[a].Params - decisions[i].Candidates[current[i]].Params;
                if (weight + wi <= report.Totals.Budget)
                {
                    Consider(With(current, (i, a)), di);
                }

                if (wi <= 0)
                {
                    continue;
                }

                // A heavier choice here, paid for by a lighter one elsewhere.
                for (var j = 0; j < decisions.Count; j++)
                {
                    for (var b = 0; j != i && b < decisions[j].Candidates.Count; b++)
                    {
                        var wj = decisions[j].Candidates[b].Params - decisions[j].Candidates[current[j]].Params;
                        if (wj < 0 && weight + wi + wj <= report.Totals.Budget)
                        {
                            Consider(With(current, (i, a), (j, b)), di + Delta(decisions[j], current[j], b, sign));
                        }
                    }
                }
            }
        }

        return moves
            .GroupBy(m => Key(m.Plan), StringComparer.Ordinal).Select(g => g.MinBy(m => m.Loss))
            .OrderBy(m => m.Loss).ThenBy(m => Key(m.Plan), StringComparer.Ordinal)
            .Take(count).Select(m => m.Plan).ToList();
    }

    public static string Key(IReadOnlyList<int> plan) => string.Join(',', plan);

    /// <summary>How much worse (in the objective's units, positive = worse) moving from option a to b is.</summary>
    private static double Delta(DecisionPlan decision, int from, int to, double sign)
        => sign * (decision.Candidates[to].Objective - decision.Candidates[from].Objective);

    private static int[] With(IReadOnlyList<int> plan, params (int Decision, int Option)[] changes)
    {
        var copy = plan.ToArray();
        foreach (var (decision, option) in changes)
        {
            copy[decision] = option;
        }

        return copy;
    }
}
