using CsCheck;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class KnapsackSolverTests
{
    // Values are sums of at most six doubles in [-10, 10]; 1e-9 absorbs summation-order rounding.
    private const double Tolerance = 1e-9;

    [Fact]
    public void Exact_table_finds_the_brute_force_optimum_or_reports_infeasible()
        => RandomProblems.Knapsack.Sample(instance =>
        {
            var expected = RandomProblems.BruteForce(instance);
            var solution = ExactKnapsackSolver.Solve(instance);
            Assert.Equal(expected is null, solution is null);
            if (solution is not null)
            {
                Assert.True(solution.ProvenOptimal);
                Assert.Equal(expected!.Value, solution.Value, Tolerance);
                Assert.True(solution.Weight <= instance.Budget);
                Assert.Equal(instance.WeightOf(solution.Choices), solution.Weight);
            }
        }, iter: 400);

    [Fact]
    public void A_coarsened_table_rounds_costs_up_and_never_exceeds_the_budget()
        => RandomProblems.Knapsack.Sample(instance =>
        {
            var expected = RandomProblems.BruteForce(instance);
            var solution = ExactKnapsackSolver.Solve(instance, maxTableCells: 3);
            if (solution is not null)
            {
                Assert.True(instance.WeightOf(solution.Choices) <= instance.Budget);
                Assert.True(solution.Value <= expected!.Value + Tolerance);
            }
        }, iter: 400);

    [Fact]
    public void Lagrangian_bound_is_at_least_the_optimum_and_its_plan_fits()
        => RandomProblems.Knapsack.Sample(instance =>
        {
            var expected = RandomProblems.BruteForce(instance);
            var solution = LagrangianKnapsackSolver.Solve(instance);
            Assert.Equal(expected is null, solution is null);
            if (solution is not null)
            {
                Assert.True(solution.Weight <= instance.Budget);
                Assert.True(solution.Value <= expected!.Value + Tolerance);
                Assert.True(solution.UpperBound >= expected.Value - Tolerance, $"bound {solution.UpperBound} < optimum {expected}");
                Assert.True(solution.Gap >= 0);
            }
        }, iter: 400);

    [Fact]
    public void Ties_go_to_the_earlier_option()
    {
        var instance = new KnapsackInstance([[10, 10, 10]], [[1.0, 1.0, 1.0]], 10);
        Assert.Equal(0, ExactKnapsackSolver.Solve(instance)!.Choices[0]);
    }

    [Fact]
    public void A_budget_below_the_lightest_plan_has_no_solution()
    {
        var instance = new KnapsackInstance([[5, 9], [7]], [[0.0, 1.0], [0.0]], 11);
        Assert.Null(ExactKnapsackSolver.Solve(instance));
        Assert.Null(LagrangianKnapsackSolver.Solve(instance));
    }
}
