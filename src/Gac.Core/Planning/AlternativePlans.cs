namespace Gac.Core.Planning;

/// <summary>
/// Aligned plans other than the objective's optimum, under the same budget, for a caller that can
/// measure them. Any per-layer objective is a proxy for the model's output error (a layer's share of
/// spectral energy or importance says nothing of how much the rest of the network amplifies it), so
/// the candidates are chosen to disagree about where the proxy could be wrong: the other objective's
/// optimum, the plan that moves least from the compressor's own dims, and near-equal plans of this
/// objective that differ from its optimum in one decision.
/// </summary>
internal static class AlternativePlans
{
    /// <summary>Near-equal plans are looked for by forbidding one chosen option at a time, in at most this many decisions.</summary>
    private const int MaxForbidden = 32;

    /// <summary>A forbidden option's value: finite, so every solver's arithmetic stays defined, and far below any real plan.</summary>
    private const double Forbidden = -1e30;

    public static IReadOnlyList<PlanAlternative> Find(
        CandidateSet[] sets, PlanObjective objective, long budget, int[] chosen, PlannerOptions options)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { Key(chosen) };
        var found = new List<PlanAlternative>();
        void Add(string name, string origin, int[]? plan)
        {
            if (plan is not null && found.Count < options.Alternatives && seen.Add(Key(plan)))
            {
                found.Add(Describe(sets, objective, name, origin, plan));
            }
        }

        if (!options.NearEqualOnly)
        {
            // The compressor chose d* for reasons the proxy may not see; the plan that moves the fewest
            // parameters away from it keeps most of that choice. A parameter rounded away counts three
            // times one rounded on: plain distance would round every d* just above a multiple down and
            // leave the budget unspent (on the trained tiny-llama, 4% of it).
            Add("least-movement", "the aligned plan that moves the fewest parameters away from the compressor's dims, rounding down counting thrice",
                Optimum(sets, (d, c) => Movement(c.Parameters - d.TargetParams), budget, options));
            if (OtherObjective(objective, sets) is { } other)
            {
                Add(other.Name, $"the {other.Name} objective's optimum", Optimum(sets, (d, c) => other.Value(d, c.Dimension, c.IsDense), budget, options));
            }
        }

        foreach (var (plan, decision) in NearEqual(sets, objective, budget, chosen, options))
        {
            Add($"near-{objective.Name}-{found.Count + 1}", $"the best {objective.Name} plan that does not keep {decision} at its optimum's choice", plan);
        }

        return found;
    }

    /// <summary>The least-movement value of a change in parameters (maximised): −δ rounding up, −3|δ| rounding down.</summary>
    internal static double Movement(double delta) => delta >= 0 ? -delta : 3 * delta;

    private static PlanObjective? OtherObjective(PlanObjective objective, CandidateSet[] sets)
    {
        var decisions = sets.Select(s => s.Decision).ToList();
        if (objective.Kind == PlanObjectiveKind.Spectrum)
        {
            return PlanObjective.Resolve(PlanObjectiveKind.Paper, decisions);
        }

        var spectrum = PlanObjective.Resolve(PlanObjectiveKind.Auto, decisions);
        return spectrum.Kind == PlanObjectiveKind.Spectrum ? spectrum : null;
    }

    /// <summary>The optimum of another value over the same candidates, as indices into each candidate set.</summary>
    private static int[] Optimum(CandidateSet[] sets, Func<PlanningDecision, Candidate, double> value, long budget, PlannerOptions options)
    {
        var instance = GacPlanner.BuildInstance(sets, value, budget, out var order);
        var solution = GacPlanner.Solve(instance, options);
        return solution.Choices.Select((j, i) => order[i][j]).ToArray();
    }

    /// <summary>
    /// For each decision with a choice (up to <see cref="MaxForbidden"/>), the objective's best plan
    /// when that decision may not take its optimal option; best first.
    /// </summary>
    private static IEnumerable<(int[] Plan, string Decision)> NearEqual(
        CandidateSet[] sets, PlanObjective objective, long budget, int[] chosen, PlannerOptions options)
    {
        var plans = new List<(int[] Plan, double Value, string Decision)>();
        foreach (var i in Enumerable.Range(0, sets.Length).Where(i => sets[i].Candidates.Count > 1).Take(MaxForbidden))
        {
            var forbidden = sets[i].Candidates[chosen[i]];
            var decision = sets[i].Decision;
            var plan = Optimum(
                sets,
                (d, c) => ReferenceEquals(d, decision) && c == forbidden ? Forbidden : objective.Value(d, c.Dimension, c.IsDense),
                budget,
                options);
            var value = Enumerable.Range(0, sets.Length).Sum(k => objective.Value(sets[k].Decision, sets[k].Candidates[plan[k]].Dimension,
                sets[k].Candidates[plan[k]].IsDense));
            if (plan[i] != chosen[i] && value > Forbidden / 2)
            {
                plans.Add((plan, value, decision.Id));
            }
        }

        return plans.OrderByDescending(p => p.Value).Select(p => (p.Plan, p.Decision));
    }

    private static PlanAlternative Describe(CandidateSet[] sets, PlanObjective objective, string name, string origin, int[] plan)
    {
        var picks = plan.Select((j, i) => sets[i].Candidates[j]).ToArray();
        return new PlanAlternative(
            name,
            origin,
            picks.Select(c => c.Dimension).ToArray(),
            picks.Select(c => c.IsDense).ToArray(),
            picks.Sum(c => c.Parameters),
            picks.Select((c, i) => objective.Score(sets[i].Decision, c.Dimension, c.IsDense)).Sum());
    }

    private static string Key(int[] plan) => string.Join(',', plan);
}
