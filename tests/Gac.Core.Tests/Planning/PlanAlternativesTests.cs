using CsCheck;
using Gac.Core.Diagnostics;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

/// <summary>Alternative plans and one-move neighbourhoods: the candidates a run measures before choosing one.</summary>
public sealed class PlanAlternativesTests
{
    // Objective sums of a few doubles; 1e-9 absorbs summation-order rounding.
    private const double Tolerance = 1e-9;

    [Fact]
    public void Alternatives_are_distinct_aligned_plans_within_budget_and_none_beats_the_optimum()
        => RandomProblems.Planning.Sample((problem, options) =>
        {
            PlanReport report;
            try
            {
                report = GacPlanner.Plan(problem, options with { Alternatives = 3 });
            }
            catch (GacException)
            {
                return; // infeasible problems are GacPlannerTests' subject
            }

            var budget = problem.Budget.Resolve(problem.Decisions);
            var sets = problem.Decisions.Select(d => CandidateSweep.For(d, options)).ToArray();
            var keys = new HashSet<string> { string.Join(',', report.Decisions.Select(d => $"{d.Chosen}{d.ChosenIsDense}")) };
            Assert.True(report.Alternatives.Count <= 3);
            foreach (var alternative in report.Alternatives)
            {
                Assert.True(keys.Add(string.Join(',', alternative.Dimensions.Zip(alternative.Dense, (d, dense) => $"{d}{dense}"))),
                    $"{alternative.Name} repeats a plan");
                Assert.True(alternative.Params <= budget);
                for (var i = 0; i < sets.Length; i++)
                {
                    Assert.Contains(sets[i].Candidates, c => c.Dimension == alternative.Dimensions[i] && c.IsDense == alternative.Dense[i]);
                }

                // Every alternative is scored in the primary objective's sense, and the optimum is optimal.
                var better = report.Settings.ObjectiveMinimizes
                    ? alternative.Objective < report.Totals.ObjectiveValue - Tolerance
                    : alternative.Objective > report.Totals.ObjectiveValue + Tolerance;
                Assert.False(better, $"{alternative.Name} ({alternative.Objective}) beats the optimum ({report.Totals.ObjectiveValue})");
            }
        }, iter: 300);

    [Fact]
    public void Least_movement_is_the_plan_that_moves_fewest_parameters_from_the_targets_counting_a_rounding_down_thrice()
        => RandomProblems.Planning.Sample((problem, options) =>
        {
            PlanReport report;
            try
            {
                report = GacPlanner.Plan(problem, options with { Alternatives = 3 });
            }
            catch (GacException)
            {
                return;
            }

            var least = report.Alternatives.SingleOrDefault(a => a.Name == "least-movement");
            var sets = problem.Decisions.Select(d => CandidateSweep.For(d, options)).ToArray();
            var instance = new KnapsackInstance(
                sets.Select(s => s.Candidates.Select(c => c.Parameters).ToArray()).ToArray(),
                sets.Select(s => s.Candidates.Select(c => Movement(c.Parameters - s.Decision.TargetParams)).ToArray()).ToArray(),
                problem.Budget.Resolve(problem.Decisions));
            var best = RandomProblems.BruteForce(instance)!.Value;
            var chosenMovement = report.Decisions.Select((d, i) => Movement(d.Params - problem.Decisions[i].TargetParams)).Sum();
            if (least is null)
            {
                // Not listed only because it is the optimum itself.
                Assert.Equal(best, chosenMovement, 1e-6);
                return;
            }

            var movement = least.Dimensions.Select((d, i) => Movement(sets[i].Candidates.Single(c => c.Dimension == d
                && c.IsDense == least.Dense[i]).Parameters - problem.Decisions[i].TargetParams)).Sum();
            Assert.Equal(best, movement, 1e-6);
        }, iter: 300);

    /// <summary>Rounding up by δ parameters costs δ, rounding down costs 3δ (the definition, not the code's).</summary>
    private static double Movement(double delta) => delta >= 0 ? -delta : 3 * delta;

    [Fact]
    public void A_loss_curve_is_summed_as_it_is_and_a_norm_curve_is_squared()
    {
        var curve = ErrorCurve.FromDense([1.0, 0.5, 0.0]);
        var norm = PlanningDecision.MlpChannels("n", 2, 10, 1, errorCurve: curve, errorNorm: 1.0);
        var loss = norm with { ErrorKind = ErrorCurveKind.Loss };
        var objective = PlanObjective.Resolve(PlanObjectiveKind.Spectrum, [norm, loss]);

        Assert.Equal(0.25, objective.Score(norm, 1, false), 12);
        Assert.Equal(0.5, objective.Score(loss, 1, false), 12);
    }

    [Fact]
    public void With_loss_curves_the_plan_cuts_where_the_summed_importance_lost_is_least()
    {
        // Two groups with the same removed-importance curve shape, one ten times louder, normalised by
        // one common scale (as the pipeline does within a kind). Removing 8 channels from the quiet group
        // loses 8 × 1, from the loud one 8 × 10: the plan cuts the quiet group, as a score-ranked pruner
        // would. Budget: exactly one group may lose 8 channels.
        static ErrorCurve Mass(double perChannel) => ErrorCurve.FromDense(Enumerable.Range(0, 17).Select(d => (16 - d) * perChannel).ToArray());
        var quiet = PlanningDecision.MlpChannels("quiet", 16, 100, 12, errorCurve: Mass(1), errorNorm: 100) with { ErrorKind = ErrorCurveKind.Loss };
        var loud = PlanningDecision.MlpChannels("loud", 16, 100, 12, errorCurve: Mass(10), errorNorm: 100) with { ErrorKind = ErrorCurveKind.Loss };
        var problem = new PlanningProblem("loss", [quiet, loud], PlanningBudget.FromParameters(2400));

        var report = GacPlanner.Plan(problem, new PlannerOptions { WindowSteps = 1, Objective = PlanObjectiveKind.Spectrum });

        Assert.Equal(8, report.Decisions.Single(d => d.Id == "quiet").Chosen);
        Assert.True(report.Decisions.Single(d => d.Id == "loud").ChosenIsDense);
    }

    [Fact]
    public void Neighbours_are_one_or_two_changes_away_within_budget_unseen_and_ranked_by_predicted_loss()
        => RandomProblems.Planning.Sample((problem, options) =>
        {
            PlanReport report;
            try
            {
                report = GacPlanner.Plan(problem, options);
            }
            catch (GacException)
            {
                return;
            }

            var current = report.Decisions.Select(d => d.Candidates.ToList().FindIndex(c => c.Chosen)).ToArray();
            var all = PlanNeighbourhood.Best(report, current, int.MaxValue, new HashSet<string>());
            var seen = new HashSet<string>(all.Take(1).Select(PlanNeighbourhood.Key));
            var rest = PlanNeighbourhood.Best(report, current, int.MaxValue, seen);
            Assert.Equal(all.Skip(1).Select(PlanNeighbourhood.Key), rest.Select(PlanNeighbourhood.Key));

            var sign = report.Settings.ObjectiveMinimizes ? 1.0 : -1.0;
            double Loss(int[] plan) => sign * plan.Select((j, i) =>
                report.Decisions[i].Candidates[j].Objective - report.Decisions[i].Candidates[current[i]].Objective).Sum();
            var previous = double.NegativeInfinity;
            foreach (var plan in all)
            {
                var changed = plan.Where((j, i) => j != current[i]).Count();
                Assert.InRange(changed, 1, 2);
                Assert.True(plan.Select((j, i) => report.Decisions[i].Candidates[j].Params).Sum() <= report.Totals.Budget);
                var loss = Loss(plan);
                Assert.True(loss >= previous - Tolerance, "neighbours must come least loss first");
                previous = loss;
            }

            // The optimum has no neighbour the objective prefers.
            Assert.All(all, plan => Assert.True(Loss(plan) >= -Tolerance));
        }, iter: 300);
}
