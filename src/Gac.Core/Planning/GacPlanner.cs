using System.Diagnostics;
using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// GAC steps 2 and 3 (GAC-METHOD §2): sweep aligned candidates around each d*, choose one per
/// decision by multiple-choice knapsack under the same parameter budget, verify the plan, and
/// compare it with the rounding baselines other tools use.
/// </summary>
public static class GacPlanner
{
    /// <summary>
    /// Plans <paramref name="problem"/>. Throws <see cref="GacException"/> with GAC2xxx diagnostics
    /// when the problem is malformed (GAC2003–GAC2006), a decision has no candidate (GAC2002) or no
    /// aligned plan fits the budget (GAC2001).
    /// </summary>
    public static PlanReport Plan(PlanningProblem problem, PlannerOptions? options = null)
    {
        options ??= new PlannerOptions();
        var invalid = problem.Validate().Concat(ValidateOptions(options)).ToList();
        if (invalid.Count > 0)
        {
            throw new GacException(invalid);
        }

        var objective = PlanObjective.Resolve(options.Objective, problem.Decisions);
        var budget = problem.Budget.Resolve(problem.Decisions);
        if (budget <= 0)
        {
            throw GacException.Create(DiagnosticCatalogue.InvalidBudget, $"The budget ({problem.Budget}) resolves to {budget} parameters; it must be positive.");
        }

        var sets = SweepAll(problem, options);
        var instance = BuildInstance(sets, objective, budget, out var order);
        if (instance.MinimumWeight > budget)
        {
            throw Infeasible(sets, instance, budget, options);
        }

        var clock = Stopwatch.StartNew();
        var solution = Solve(instance, options);
        clock.Stop();
        Verify(solution, instance);

        var chosen = solution.Choices.Select((j, i) => order[i][j]).ToArray();
        var report = PlanReportBuilder.Build(problem, options, objective, budget, sets, chosen, solution, clock.Elapsed.TotalMilliseconds);
        return options.Alternatives > 0
            ? report with { Alternatives = AlternativePlans.Find(sets, objective, budget, chosen, options) }
            : report;
    }

    private static IEnumerable<Diagnostic> ValidateOptions(PlannerOptions options)
    {
        if (options.WindowSteps is < 1 or > 64 || options.AlignmentMultiple < 1 || options.MaxTableCells < 1024
            || !(options.CliffTolerance is >= 0 and < 1))
        {
            yield return new Diagnostic(
                DiagnosticCatalogue.InvalidPlannerOptions,
                $"Window steps {options.WindowSteps} (1..64), alignment multiple {options.AlignmentMultiple} (≥ 1), table limit {options.MaxTableCells} (≥ 1024) or cliff tolerance {options.CliffTolerance} ([0, 1)) is out of range.");
        }
    }

    private static CandidateSet[] SweepAll(PlanningProblem problem, PlannerOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        var sets = new CandidateSet[problem.Decisions.Count];
        for (var i = 0; i < sets.Length; i++)
        {
            try
            {
                sets[i] = CandidateSweep.For(problem.Decisions[i], options);
            }
            catch (GacException e)
            {
                diagnostics.AddRange(e.Diagnostics);
            }
        }

        return diagnostics.Count > 0 ? throw new GacException(diagnostics) : sets;
    }

    /// <summary>
    /// Options per class in tie-break order: nearest to d* first, then fewer parameters, so that among
    /// equally good plans the one that moves least from the compressor's choice wins.
    /// </summary>
    private static KnapsackInstance BuildInstance(CandidateSet[] sets, PlanObjective objective, long budget, out int[][] order)
        => BuildInstance(sets, (d, c) => objective.Value(d, c.Dimension, c.IsDense), budget, out order);

    /// <summary>The knapsack over <paramref name="sets"/> with any per-candidate value (maximised).</summary>
    internal static KnapsackInstance BuildInstance(CandidateSet[] sets, Func<PlanningDecision, Candidate, double> value, long budget, out int[][] order)
    {
        order = new int[sets.Length][];
        var weights = new long[sets.Length][];
        var values = new double[sets.Length][];
        for (var i = 0; i < sets.Length; i++)
        {
            var set = sets[i];
            var target = set.Decision.Target;
            order[i] = Enumerable.Range(0, set.Candidates.Count)
                .OrderBy(j => Math.Abs(set.Candidates[j].Dimension - target))
                .ThenBy(j => set.Candidates[j].Parameters)
                .ToArray();
            weights[i] = order[i].Select(j => set.Candidates[j].Parameters).ToArray();
            values[i] = order[i].Select(j => value(set.Decision, set.Candidates[j])).ToArray();
        }

        return new KnapsackInstance(weights, values, budget);
    }

    internal static KnapsackSolution Solve(KnapsackInstance instance, PlannerOptions options)
    {
        if (options.Solver == SolverKind.Lagrangian)
        {
            return LagrangianKnapsackSolver.Solve(instance)!;
        }

        // Auto: the Pareto search is exact and needs no table over the whole budget; when its states
        // would outgrow the table limit, the table (coarsened if need be) takes over.
        if (options.Solver == SolverKind.Auto && ParetoKnapsackSolver.TrySolve(instance, options.MaxTableCells, out var pareto))
        {
            return pareto!;
        }

        var table = ExactKnapsackSolver.Solve(instance, options.MaxTableCells)!;
        if (table.ProvenOptimal)
        {
            return table;
        }

        // A coarsened table is feasible but not proven optimal: bound it, and keep the better plan.
        var lagrangian = LagrangianKnapsackSolver.Solve(instance)!;
        var better = lagrangian.Value > table.Value && options.Solver == SolverKind.Auto ? lagrangian : table;
        var bound = lagrangian.UpperBound ?? lagrangian.Value;
        var closed = bound - better.Value <= 1e-12 * Math.Max(1, Math.Abs(bound));
        return better with { UpperBound = bound, ProvenOptimal = closed };
    }

    private static void Verify(KnapsackSolution solution, KnapsackInstance instance)
    {
        var weight = instance.WeightOf(solution.Choices);
        if (weight > instance.Budget || weight != solution.Weight)
        {
            throw new GacException(
                new Diagnostic(DiagnosticCatalogue.PlanVerificationFailed, $"Solver {solution.Solver} returned a plan of {weight:N0} parameters for a budget of {instance.Budget:N0}."))
            {
                ExitCode = ExitCodes.InternalError,
            };
        }
    }

    private static GacException Infeasible(CandidateSet[] sets, KnapsackInstance instance, long budget, PlannerOptions options)
    {
        var minimum = instance.MinimumWeight;
        var over = minimum - budget;
        var worst = sets
            .Select(s => (s.Decision.Id, Excess: s.Candidates.Min(c => c.Parameters) - s.Decision.TargetParams))
            .OrderByDescending(x => x.Excess).ThenBy(x => x.Id, StringComparer.Ordinal).Take(3)
            .Select(x => $"{x.Id} (+{x.Excess:N0} over its target)");
        var smaller = options.AlignmentMultiple > 1 ? $" a smaller alignment multiple than {options.AlignmentMultiple}," : string.Empty;
        return GacException.Create(
            DiagnosticCatalogue.PlanInfeasible,
            $"No aligned plan fits the budget: the smallest aligned plan needs {minimum:N0} parameters > budget {budget:N0} " +
            $"(over by {over:N0}, {100.0 * over / budget:0.###}%). Largest contributors: {string.Join(", ", worst)}. " +
            $"Try{smaller} a wider window than ±{options.WindowSteps} steps, or a larger budget.");
    }
}
