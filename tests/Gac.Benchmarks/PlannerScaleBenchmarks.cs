using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Gac.Core.Planning;

namespace Gac.Benchmarks;

/// <summary>
/// Solver time for the Llama-3-70B shape (examples/plans/llama3-70b-asvd-15.json): 560 low-rank
/// decisions at ASVD-grid targets, the budget the targets' own, window ±4. Target: proven optimal in
/// ≤ 50 ms, so a 20-ratio sweep of a 70B plan stays around a second. The exact table (≈ 12 M cells)
/// is the before; the Pareto search bounded by the Lagrangian dual is the after.
/// Run: dotnet run -c Release --project tests/Gac.Benchmarks -- --filter '*PlannerScale*'
/// </summary>
[Config(typeof(InProcess))]
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class PlannerScaleBenchmarks
{
    /// <summary>In-process: the generated project copies libtorch again and exceeds BenchmarkDotNet's 2-minute build timeout on a loaded machine.</summary>
    private sealed class InProcess : ManualConfig
    {
        public InProcess()
            => AddJob(Job.ShortRun.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true)));
    }

    private KnapsackInstance _instance = null!;
    private PlanningProblem _problem = null!;

    [GlobalSetup]
    public void Setup()
    {
        _problem = ShapeOnlyModels.Llama3_70B_Asvd(0.15);
        var options = new PlannerOptions();
        var sets = _problem.Decisions.Select(d => CandidateSweep.For(d, options)).ToArray();
        var objective = PlanObjective.Resolve(options.Objective, _problem.Decisions);
        _instance = new KnapsackInstance(
            sets.Select(s => s.Candidates.Select(c => c.Parameters).ToArray()).ToArray(),
            sets.Select(s => s.Candidates.Select(c => objective.Value(s.Decision, c.Dimension, c.IsDense)).ToArray()).ToArray(),
            _problem.Budget.Resolve(_problem.Decisions));
        var table = ExactKnapsackSolver.Solve(_instance)!;
        ParetoKnapsackSolver.TrySolve(_instance, options.MaxTableCells, out var pareto);
        Console.WriteLine($"// table: {table.TableCells:N0} cells, value {table.Value:R}; pareto: {pareto!.TableCells:N0} states, value {pareto.Value:R}");
    }

    [Benchmark(Baseline = true)]
    public double ExactTable() => ExactKnapsackSolver.Solve(_instance)!.Value;

    [Benchmark]
    public double ParetoBound() => ParetoKnapsackSolver.TrySolve(_instance, 1L << 25, out var s) ? s!.Value : double.NaN;

    /// <summary>What `gac-build plan --layers` reports as solver.elapsedMs, plus the sweep, baselines and explanations around it.</summary>
    [Benchmark]
    public double WholePlan() => GacPlanner.Plan(_problem).Solver.ElapsedMs;
}
