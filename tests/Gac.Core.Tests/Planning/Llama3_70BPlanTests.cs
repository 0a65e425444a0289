using Gac.Core.Planning;
using Xunit.Abstractions;

namespace Gac.Core.Tests.Planning;

/// <summary>
/// The planner's large instance: Llama-3-70B shapes, 560 decisions, the budget the ASVD targets' own.
/// Speed is measured in tests/Gac.Benchmarks (PlannerScaleBenchmarks), never asserted here.
/// </summary>
public sealed class Llama3_70BPlanTests(ITestOutputHelper output)
{
    private static readonly PlanningProblem Problem = ShapeOnlyModels.Llama3_70B_Asvd(0.15);

    [Fact]
    public void Shapes_match_Llama3_70B_published_config()
    {
        // config.json of Llama-3-70B: hidden 8192, intermediate 28672, 80 layers, 64 heads, 8 KV heads (head dim 128).
        // Per block: q,o 8192² + k,v 8192·1024 + gate,up,down 8192·28672 = 855,638,016 linear parameters.
        Assert.Equal(560, Problem.Decisions.Count);
        Assert.Equal(80L * 855_638_016, Problem.DenseParams);
        Assert.Equal(BudgetKind.SameAsTargets, Problem.Budget.Kind);
        Assert.Equal((long)Math.Floor(Problem.Decisions.Sum(d => d.TargetParams) + 1e-6), Problem.Budget.Resolve(Problem.Decisions));
    }

    [Fact]
    public void Targets_are_ASVD_grid_ranks()
    {
        long[] gridRanks =
        [
            1638, 2048, 2457, 2867, 3276, 3686, 8192, // q/o 8192×8192: floor(p·8192²/16384), dense 8192
            364, 455, 546, 637, 728, 819, 1024, // k/v 8192×1024: floor(p·8192·1024/9216), dense 1024
            2548, 3185, 3822, 4460, 5097, 5734, // gate/up/down 8192×28672: floor(p·8192·28672/36864), dense 8192
        ];
        Assert.All(Problem.Decisions, d => Assert.Contains((long)d.Target, gridRanks));
    }

    [Fact]
    public void The_70B_plan_is_proven_optimal_and_aligned_within_the_targets_budget()
    {
        var report = GacPlanner.Plan(Problem);
        output.WriteLine($"solver {report.Solver.Name}: {report.Solver.ElapsedMs:0.0} ms, {report.Solver.TableCells:N0} cells");
        Assert.True(report.Solver.ProvenOptimal);
        Assert.Equal(100.0, report.Totals.AlignedPercentAfter);
        Assert.True(report.Totals.PlannedParams <= report.Totals.Budget);
    }

    [Fact]
    public void The_committed_example_is_what_the_generator_writes()
    {
        var path = Path.Combine(Llama3ShapeOnlyTests.RepositoryRoot(), "examples", "plans", "llama3-70b-asvd-15.json");
        var document = new PlanLayersDocument(Problem, new PlannerOptions(), ShapeOnlyModels.Llama3_70BAsvdDescription);
        var expected = PlanLayersFile.ToJson(document, ShapeOnlyModels.ExampleSchemaReference);

        // Golden file: regenerate with GAC_UPDATE_EXAMPLES=1 dotnet test tests/Gac.Core.Tests.
        if (Environment.GetEnvironmentVariable("GAC_UPDATE_EXAMPLES") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, File.ReadAllText(path));
        var loaded = PlanLayersFile.Load(path);
        Assert.Equal(Problem.Decisions, loaded.Problem.Decisions);
        Assert.Equal(BudgetKind.SameAsTargets, loaded.Problem.Budget.Kind);
    }
}
