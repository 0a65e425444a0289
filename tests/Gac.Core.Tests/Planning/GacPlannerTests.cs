using CsCheck;
using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class GacPlannerTests
{
    // Objective sums of a few doubles; 1e-9 absorbs summation-order rounding.
    private const double Tolerance = 1e-9;

    [Fact]
    public void Every_plan_is_within_budget_aligned_and_drawn_from_its_candidates_or_the_right_diagnostic_is_raised()
        => RandomProblems.Planning.Sample((problem, options) =>
        {
            var budget = problem.Budget.Resolve(problem.Decisions);
            if (budget <= 0)
            {
                Assert.Equal("GAC2005", Assert.Throws<GacException>(() => GacPlanner.Plan(problem, options)).Diagnostics[0].Code);
                return;
            }

            CandidateSet[] sets;
            try
            {
                sets = problem.Decisions.Select(d => CandidateSweep.For(d, options)).ToArray();
            }
            catch (GacException e)
            {
                Assert.Equal("GAC2002", e.Diagnostics[0].Code);
                Assert.Equal("GAC2002", Assert.Throws<GacException>(() => GacPlanner.Plan(problem, options)).Diagnostics[0].Code);
                return;
            }

            var smallest = sets.Sum(s => s.Candidates.Min(c => c.Parameters));
            if (smallest > budget)
            {
                var error = Assert.Throws<GacException>(() => GacPlanner.Plan(problem, options));
                Assert.Equal("GAC2001", error.Diagnostics[0].Code);
                return;
            }

            var report = GacPlanner.Plan(problem, options);
            Assert.True(report.Totals.PlannedParams <= budget);
            Assert.Equal(report.Decisions.Sum(d => d.Params), report.Totals.PlannedParams);
            Assert.Equal(100.0, report.Totals.AlignedPercentAfter);
            for (var i = 0; i < sets.Length; i++)
            {
                var plan = report.Decisions[i];
                Assert.Contains(sets[i].Candidates, c => c.Dimension == plan.Chosen && c.IsDense == plan.ChosenIsDense && c.Parameters == plan.Params);
                Assert.True(plan.ChosenIsDense || (plan.Chosen * problem.Decisions[i].ElementsPerUnit) % options.AlignmentMultiple == 0);
                Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
            }
        }, iter: 300);

    [Fact]
    public void The_plan_is_optimal_over_all_candidate_combinations()
        => RandomProblems.Planning.Sample((problem, options) =>
        {
            var budget = problem.Budget.Resolve(problem.Decisions);
            PlanReport report;
            try
            {
                report = GacPlanner.Plan(problem, options);
            }
            catch (GacException)
            {
                return; // infeasibility is covered by the test above
            }

            var objective = PlanObjective.Resolve(options.Objective, problem.Decisions);
            var sets = problem.Decisions.Select(d => CandidateSweep.For(d, options)).ToArray();
            var instance = new KnapsackInstance(
                sets.Select(s => s.Candidates.Select(c => c.Parameters).ToArray()).ToArray(),
                sets.Select(s => s.Candidates.Select(c => objective.Value(s.Decision, c.Dimension, c.IsDense)).ToArray()).ToArray(),
                budget);
            var best = RandomProblems.BruteForce(instance)!.Value;
            var planned = objective.Minimizes ? -report.Totals.ObjectiveValue : report.Totals.ObjectiveValue;
            Assert.Equal(best, planned, Tolerance);
        }, iter: 300);

    [Fact]
    public void A_low_rank_split_that_saves_nothing_is_replaced_by_the_dense_layer()
    {
        // 64×64: a rank-r split costs 128·r, dense 4096, break-even r = 32. d* = 30 with ±4 steps of 8 reaches 62.
        var decision = PlanningDecision.LowRank("l", 64, 64, 30);
        var set = CandidateSweep.For(decision, new PlannerOptions());
        Assert.Equal([8L, 16, 24, 64], set.Candidates.Select(c => c.Dimension));
        Assert.True(set.Candidates[^1].IsDense);
        Assert.All(set.Candidates.Where(c => !c.IsDense), c => Assert.True(c.Parameters < 4096));
        Assert.Contains(set.Dropped, d => d.Dimension == 32);
    }

    [Fact]
    public void Infeasible_budgets_explain_the_smallest_aligned_plan_and_suggest_fixes()
    {
        var problem = new PlanningProblem("tight", [PlanningDecision.LowRank("a", 256, 256, 100), PlanningDecision.LowRank("b", 256, 256, 100)],
            PlanningBudget.FromParameters(10_000));
        var error = Assert.Throws<GacException>(() => GacPlanner.Plan(problem, new PlannerOptions { WindowSteps = 1 }));
        var message = Assert.Single(error.Diagnostics).Message;
        Assert.Equal("GAC2001", error.Diagnostics[0].Code);
        Assert.Contains("smallest aligned plan needs 98,304 parameters > budget 10,000", message);
        Assert.Contains("smaller alignment multiple", message);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void The_spectrum_objective_scores_the_share_of_the_layer_energy_a_cut_removes()
    {
        // err(r)/err(0) is the square root of the share of energy removed; shares add across layers, roots do not.
        var curve = ErrorCurve.FromPoints([0, 32, 64], [2.0, 1.0, 0.0]);
        var decision = PlanningDecision.LowRank("a", 64, 64, 32, errorCurve: curve);
        var objective = PlanObjective.Resolve(PlanObjectiveKind.Spectrum, [decision]);

        Assert.Equal(0.25, objective.Score(decision, 32, isDense: false), 12);
        Assert.Equal(-0.25, objective.Value(decision, 32, isDense: false), 12);
        Assert.Equal(0.0, objective.Score(decision, 64, isDense: true));
    }

    [Fact]
    public void Spectrum_is_the_default_when_every_decision_has_an_error_curve()
    {
        var curve = ErrorCurve.FromPoints([0, 64], [1.0, 0.0]);
        var problem = new PlanningProblem("s", [PlanningDecision.LowRank("a", 64, 64, 20, errorCurve: curve)], PlanningBudget.SameAsTargets);
        Assert.Equal("spectrum", GacPlanner.Plan(problem).Settings.Objective);
        Assert.Equal("paper", GacPlanner.Plan(problem with { Decisions = [PlanningDecision.LowRank("a", 64, 64, 20)] }).Settings.Objective);
    }

    [Fact]
    public void Asking_for_spectrum_without_curves_is_GAC2006()
    {
        var problem = new PlanningProblem("s", [PlanningDecision.LowRank("a", 64, 64, 20)], PlanningBudget.SameAsTargets);
        var error = Assert.Throws<GacException>(() => GacPlanner.Plan(problem, new PlannerOptions { Objective = PlanObjectiveKind.Spectrum }));
        Assert.Equal("GAC2006", error.Diagnostics[0].Code);
    }

    [Fact]
    public void Malformed_problems_report_every_issue_at_once()
    {
        var problem = new PlanningProblem("bad", [PlanningDecision.LowRank("a", 64, 64, 80), PlanningDecision.LowRank("a", 64, 64, -1)],
            PlanningBudget.FromKeptFraction(1.5));
        var codes = Assert.Throws<GacException>(() => GacPlanner.Plan(problem)).Diagnostics.Select(d => d.Code).ToList();
        Assert.Equal(["GAC2003", "GAC2003", "GAC2003", "GAC2005"], codes);
    }

    [Fact]
    public void The_same_problem_always_gives_the_same_plan()
    {
        var problem = ShapeOnlyModels.Llama3Asvd8B(0.15);
        var first = GacPlanner.Plan(problem).ChosenDimensions;
        var second = GacPlanner.Plan(problem).ChosenDimensions;
        Assert.Equal(first, second);
    }

    [Fact]
    public void Heads_stay_whole_and_heads_times_head_dim_is_aligned()
    {
        // head_dim 12 with multiple 8: h·12 is a multiple of 8 only for even h.
        var decision = PlanningDecision.AttentionHeads("h", 12, 12, 100, 7.3);
        var set = CandidateSweep.For(decision, new PlannerOptions { WindowSteps = 3 });
        Assert.Equal(2, set.Step);
        Assert.Equal([2L, 4, 6, 8, 10, 12], set.Candidates.Select(c => c.Dimension));
        Assert.True(set.Candidates[^1].IsDense);
    }

    [Fact]
    public void An_unaligned_original_width_may_stay_dense()
    {
        var decision = PlanningDecision.MlpChannels("m", 100, 10, 97);
        var set = CandidateSweep.For(decision, new PlannerOptions { WindowSteps = 1 });
        Assert.Equal([96L, 100], set.Candidates.Select(c => c.Dimension));
        Assert.True(set.Candidates[^1].IsDense);
    }

    [Fact]
    public void Latency_cliffs_are_dropped_when_a_staircase_is_given()
    {
        var staircase = new LatencyStaircase("A100", "fp16", 1024, [new LatencySeries("4096x4096", [new(1016, 0.090), new(1024, 0.050), new(1032, 0.061),
            new(1040, 0.062)])]);
        var decision = PlanningDecision.LowRank("q", 4096, 4096, 1028);
        var set = CandidateSweep.For(decision, new PlannerOptions { WindowSteps = 2, Staircase = staircase });
        Assert.Equal([1024L, 1032, 1040], set.Candidates.Select(c => c.Dimension));
        Assert.Contains(set.Dropped, d => d.Dimension == 1016 && d.Reason.Contains("latency cliff"));
    }

    [Fact]
    public void Too_large_tables_fall_back_to_a_feasible_plan_with_a_reported_gap()
    {
        var problem = ShapeOnlyModels.Llama3Asvd8B(0.15);
        var report = GacPlanner.Plan(problem, new PlannerOptions { MaxTableCells = 1024 });
        Assert.True(report.Totals.PlannedParams <= report.Totals.Budget);
        Assert.False(report.Solver.ProvenOptimal);
        Assert.NotNull(report.Solver.Gap);
        Assert.Contains(report.Diagnostics, d => d.Contains("GAC2030"));

        var exact = GacPlanner.Plan(problem);
        Assert.True(exact.Solver.ProvenOptimal);
        Assert.True(exact.Totals.ObjectiveValue >= report.Totals.ObjectiveValue - 1e-6);
        Assert.True(report.Solver.UpperBound >= exact.Totals.ObjectiveValue - 1e-6);
    }
}
