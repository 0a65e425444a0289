using CsCheck;
using Gac.Core.Planning;

namespace Gac.Core.Tests.Planning;

public sealed class ParetoKnapsackSolverTests
{
    // Values are sums of at most six doubles in [-10, 10]; 1e-9 absorbs summation-order rounding.
    private const double Tolerance = 1e-9;

    /// <summary>
    /// Medium instances shaped like low-rank windows: 20–60 classes of 3–13 options, weights a rank
    /// step apart (steps of 8·(K+N)) plus an occasional dense option, values either linear in weight
    /// (the paper objective, the hardest case for the bound: many near-ties) or concave (spectrum).
    /// </summary>
    private static readonly Gen<KnapsackInstance> Medium =
        Gen.Select(Gen.Int[20, 60], Gen.Int[3, 13], Gen.Bool, Gen.Double[0.05, 0.95], Gen.UInt)
            .Select((classes, options, linear, fraction, seed) =>
            {
                var random = new Random((int)seed);
                var weights = new long[classes][];
                var values = new double[classes][];
                for (var i = 0; i < classes; i++)
                {
                    long[] sizes = [16, 20, 40, 36];
                    var step = 8 * sizes[random.Next(sizes.Length)];
                    var first = random.Next(1, 40) * step;
                    var importance = random.NextDouble() * 3;
                    weights[i] = Enumerable.Range(0, options).Select(j => first + (j * step)).ToArray();
                    if (random.Next(4) == 0)
                    {
                        weights[i][^1] = first + (options * step) + random.Next(1, 5000);
                    }

                    values[i] = weights[i].Select(w => linear ? importance * (w - first) : -importance * Math.Exp(-(w - first) / (3.0 * step))).ToArray();
                }

                var min = weights.Sum(w => w.Min());
                var max = weights.Sum(w => w.Max());
                return new KnapsackInstance(weights, values, min + (long)(fraction * (max - min)));
            });

    [Fact]
    public void Pareto_search_finds_the_brute_force_optimum_or_reports_infeasible()
        => RandomProblems.Knapsack.Sample(instance =>
        {
            var expected = RandomProblems.BruteForce(instance);
            Assert.True(ParetoKnapsackSolver.TrySolve(instance, 1 << 20, out var solution));
            Assert.Equal(expected is null, solution is null);
            if (solution is not null)
            {
                Assert.True(solution.ProvenOptimal);
                Assert.Equal(expected!.Value, solution.Value, Tolerance);
                Assert.True(solution.Weight <= instance.Budget);
                Assert.Equal(instance.WeightOf(solution.Choices), solution.Weight);
            }
        }, iter: 1000);

    [Fact]
    public void Pareto_search_matches_the_exact_table_on_medium_instances()
        => Medium.Sample(instance =>
        {
            var table = ExactKnapsackSolver.Solve(instance, maxTableCells: 1L << 26)!;
            Assert.True(table.ProvenOptimal);
            Assert.True(ParetoKnapsackSolver.TrySolve(instance, 1L << 24, out var pareto));
            Assert.True(pareto!.Weight <= instance.Budget);

            // Values reach ~1e6 (importance × parameters); relative 1e-12 is rounding, not a worse plan.
            Assert.Equal(table.Value, pareto.Value, 1e-12 * Math.Max(1, Math.Abs(table.Value)));
        }, iter: 150);

    [Fact]
    public void The_70B_plan_has_the_exact_tables_optimal_value()
    {
        var problem = ShapeOnlyModels.Llama3_70B_Asvd(0.15);
        var pareto = GacPlanner.Plan(problem);
        var table = GacPlanner.Plan(problem, new PlannerOptions { Solver = SolverKind.ExactTable });
        Assert.Equal(ParetoKnapsackSolver.Name, pareto.Solver.Name);
        Assert.Equal(ExactKnapsackSolver.Name, table.Solver.Name);
        Assert.True(table.Solver.ProvenOptimal);
        Assert.Equal(table.Totals.ObjectiveValue, pareto.Totals.ObjectiveValue, 1e-12 * Math.Abs(table.Totals.ObjectiveValue));
        Assert.True(pareto.Solver.TableCells * 100 < table.Solver.TableCells, $"{pareto.Solver.TableCells} states vs {table.Solver.TableCells} cells");
    }

    [Fact]
    public void A_state_budget_too_small_hands_the_instance_back_to_the_table()
    {
        var problem = ShapeOnlyModels.Llama3_70B_Asvd(0.15);
        var report = GacPlanner.Plan(problem, new PlannerOptions { MaxTableCells = 1024 });
        Assert.NotEqual(ParetoKnapsackSolver.Name, report.Solver.Name);
        Assert.True(report.Totals.PlannedParams <= report.Totals.Budget);
    }

    [Fact]
    public void A_dominated_option_is_never_chosen()
    {
        // Option 1 weighs more than option 0 and is worth less: whatever the budget, 0 is at least as good.
        var instance = new KnapsackInstance([[10, 12, 20], [5, 9]], [[1.0, 0.5, 3.0], [0.0, 2.0]], 25);
        Assert.True(ParetoKnapsackSolver.TrySolve(instance, 1024, out var solution));
        Assert.Equal([0, 1], solution!.Choices);
        Assert.Equal(3.0, solution.Value);
    }
}
