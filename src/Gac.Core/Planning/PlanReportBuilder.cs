using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>Turns a solved plan into a <see cref="PlanReport"/>, with a reason for every choice.</summary>
internal static class PlanReportBuilder
{
    public static PlanReport Build(
        PlanningProblem problem, PlannerOptions options, PlanObjective objective, long budget,
        CandidateSet[] sets, int[] chosen, KnapsackSolution solution, double elapsedMs)
    {
        var a = options.AlignmentMultiple;
        var decisions = new DecisionPlan[sets.Length];
        for (var i = 0; i < sets.Length; i++)
        {
            decisions[i] = Explain(sets[i], chosen[i], objective, a);
        }

        var none = RunBaseline(problem, RoundingRule.None, objective, budget, a);
        var baselines = RoundingBaseline.All.Select(r => r == RoundingRule.None ? none : RunBaseline(problem, r, objective, budget, a)).ToList();
        var planned = decisions.Sum(d => d.Params);
        var totals = new PlanTotals(
            decisions.Length,
            problem.DenseParams,
            problem.Decisions.Sum(d => d.TargetParams),
            budget,
            planned,
            budget - planned,
            none.AlignedPercent,
            AlignedPercent(decisions.Select(d => d.Status)),
            decisions.Sum(d => d.Objective));

        var diagnostics = new List<string>();
        if (!solution.ProvenOptimal)
        {
            diagnostics.Add(new Diagnostic(
                DiagnosticCatalogue.PlanApproximate,
                $"Plan from {solution.Solver} (unit {solution.Unit:N0}) is within {solution.Gap:G4} of the optimum (upper bound {solution.UpperBound:G6}).")
                    .ToCanonicalString());
        }

        var settings = new PlanSettings(
            options.Profile.Name, a, options.WindowSteps, objective.Name, objective.Minimizes,
            problem.Budget.ToString(), options.Staircase is not null);
        var solver = new SolverSummary(
            solution.Solver, solution.ProvenOptimal, solution.Unit, solution.TableCells, elapsedMs,
            solution.ProvenOptimal ? null : solution.UpperBound, solution.ProvenOptimal ? null : solution.Gap);
        return new PlanReport(PlanReport.CurrentFormatVersion, problem.Name, settings, totals, solver, decisions, baselines, diagnostics);
    }

    public static double AlignedPercent(IEnumerable<AlignmentStatus> statuses)
    {
        var all = statuses.ToList();
        return all.Count == 0 ? 100 : 100.0 * all.Count(s => s != AlignmentStatus.Misaligned) / all.Count;
    }

    private static BaselineReport RunBaseline(PlanningProblem problem, RoundingRule rule, PlanObjective objective, long budget, int a)
    {
        var choices = problem.Decisions
            .Select(d => (Decision: d, Choice: RoundingBaseline.Apply(d, rule, CandidateSweep.StepFor(d, a))))
            .ToList();
        var parameters = choices.Sum(c => c.Choice.Parameters);
        var statuses = choices.Select(c => StatusOf(c.Decision, c.Choice.Dimension, c.Choice.IsDense, a));
        return new BaselineReport(
            RoundingBaseline.NameOf(rule),
            rule,
            RoundingBaseline.ToolsLike(rule),
            parameters,
            parameters - budget,
            parameters <= budget,
            AlignedPercent(statuses),
            choices.Sum(c => objective.Score(c.Decision, c.Choice.Dimension, c.Choice.IsDense)),
            choices.Select(c => c.Choice.Dimension).ToArray());
    }

    private static AlignmentStatus StatusOf(PlanningDecision decision, long dimension, bool isDense, int a)
        => isDense ? AlignmentStatus.Dense
            : CandidateSweep.IsAligned(decision, dimension, a) ? AlignmentStatus.Aligned : AlignmentStatus.Misaligned;

    private static DecisionPlan Explain(CandidateSet set, int chosenIndex, PlanObjective objective, int a)
    {
        var decision = set.Decision;
        var pick = set.Candidates[chosenIndex];
        var candidates = set.Candidates
            .Select((c, j) => new CandidateReport(c.Dimension, c.IsDense, c.Parameters, objective.Score(decision, c.Dimension, c.IsDense), j == chosenIndex,
                c.LatencyMs))
            .ToArray();
        return new DecisionPlan(
            decision.Id,
            decision.Kind,
            decision.MaxDimension,
            decision.Target,
            set.Step,
            pick.Dimension,
            pick.IsDense,
            StatusOf(decision, pick.Dimension, pick.IsDense, a),
            pick.Parameters,
            objective.Score(decision, pick.Dimension, pick.IsDense),
            Reason(set, pick, objective),
            candidates,
            set.Dropped);
    }

    private static string Reason(CandidateSet set, Candidate pick, PlanObjective objective)
    {
        var decision = set.Decision;
        var inv = CultureInfo.InvariantCulture;
        if (decision.Dense == DenseOption.Required)
        {
            return "kept dense: required by the problem";
        }

        if (set.Candidates.Count == 1)
        {
            return pick.IsDense ? "kept dense: the only candidate" : "the only aligned candidate";
        }

        var nearest = set.Candidates
            .Where(c => !c.IsDense)
            .OrderBy(c => Math.Abs(c.Dimension - decision.Target)).ThenBy(c => c.Parameters)
            .FirstOrDefault();
        if (nearest is null || pick == nearest)
        {
            return pick.IsDense
                ? "kept dense: the only option in the window"
                : string.Create(inv, $"nearest aligned value to d* = {decision.Target:0.##}");
        }

        var dParams = pick.Parameters - nearest.Parameters;
        var dScore = objective.Score(decision, pick.Dimension, pick.IsDense) - objective.Score(decision, nearest.Dimension, nearest.IsDense);
        var what = objective.Minimizes ? "error" : "value";
        var perM = dParams == 0 ? 0 : dScore / dParams * 1e6;
        var where = pick.IsDense
            ? "kept dense instead of"
            : pick.Dimension > nearest.Dimension
                ? $"{(pick.Dimension - nearest.Dimension) / set.Step} step(s) above"
                : $"{(nearest.Dimension - pick.Dimension) / set.Step} step(s) below";
        var why = dParams > 0
            ? "budget freed elsewhere buys more here"
            : "frees parameters the budget needs, where they cost least";
        return string.Create(inv, $"{where} the nearest aligned value {nearest.Dimension}: {why} ({what} {dScore:+0.####;-0.####;0} for " +
            $"{dParams:+#,0;-#,0;0} params, {perM:G3} per M)");
    }
}
