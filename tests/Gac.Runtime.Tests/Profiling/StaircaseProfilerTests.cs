using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Planning;
using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Profiling;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Tests.Profiling;

public sealed class StaircaseProfilerTests
{
    private static readonly BenchmarkSettings Quick = new(Warmup: 1, Iterations: 3, BootstrapResamples: 10);

    private static readonly HardwareSection TestCpu =
        new("Test CPU 9000", 2, "test os", ".NET", "1.31.1", HardwareFingerprint.NotAvailable, HardwareFingerprint.NotAvailable,
            HardwareFingerprint.NotAvailable, 1);

    private static StaircaseProfiler Profiler(CountingProbeModels models)
        => new(new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1)), models, Quick, _ => TestCpu);

    [Fact]
    public void A_cpu_run_of_a_tiny_shape_gives_one_positive_point_per_rank()
    {
        var models = new CountingProbeModels();
        var progress = new List<ProfileProgress>();

        var result = Profiler(models).Profile(
            new ProfileRequest([GemmShape.Parse("64x64")], Tokens: 8, DimensionSweep.Parse("8:32:8")),
            new SynchronousProgress<ProfileProgress>(progress.Add));

        var staircase = result.Staircase;
        Assert.Equal(("Test CPU 9000", "fp32", 8), (staircase.Device, staircase.DType, staircase.Tokens));
        var series = Assert.Single(staircase.Series);
        Assert.Equal("64x64", series.Key);
        Assert.Equal([8, 16, 24, 32], series.Points.Select(p => p.Dimension));
        Assert.All(series.Points, p => Assert.True(p.Milliseconds > 0 && double.IsFinite(p.Milliseconds)));
        Assert.Equal(ExecutionProvider.Cpu, result.Provider);
        Assert.Equal(4, progress.Count);
        Assert.True(progress[^1].ShapeDone);

        // One discarded process warm-up probe, then one probe per rank, each X[8,64]·A[64,r]·B[r,64].
        Assert.Equal(5, models.Built.Count);
        Assert.All(models.Built, p => Assert.Equal((8, ProbeDataType.Float32), (p.Tokens, p.DataType)));
    }

    [Fact]
    public void The_measured_staircase_loads_back_and_the_planner_accepts_it()
    {
        var staircase = Profiler(new CountingProbeModels()).Profile(new ProfileRequest([new GemmShape(64, 64)], 8, DimensionSweep.Parse("8:32:8"))).Staircase;
        var path = Path.Combine(Path.GetTempPath(), "gac-profile-" + Guid.NewGuid().ToString("N")[..12] + ".json");
        try
        {
            LatencyStaircaseFile.Save(staircase, path);
            var loaded = LatencyStaircase.Load(path);
            // Target 32, the largest measured rank: CPU timings of ranks 8…32 are noise, and the staircase may
            // drop any rank a larger one beats, so a smaller target could leave only over-budget candidates.
            var decision = PlanningDecision.LowRank("layer", 64, 64, targetRank: 32);
            var report = GacPlanner.Plan(
                new PlanningProblem("tiny", [decision], PlanningBudget.SameAsTargets),
                new PlannerOptions { Staircase = loaded });

            var plan = Assert.Single(report.Decisions);
            Assert.True(plan.Chosen > 0);
            Assert.True(report.Settings.LatencyFiltered);
            // Every split candidate the sweep measured carries its latency into the report.
            Assert.All(plan.Candidates.Where(c => !c.IsDense), c => Assert.Equal(loaded.Series[0].At(c.Dimension), c.LatencyMs));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Dense_adds_a_KxN_dense_series_with_one_point_at_min_K_N()
    {
        var models = new CountingProbeModels();

        var staircase = Profiler(models).Profile(new ProfileRequest([new GemmShape(32, 48)], 4, DimensionSweep.Parse("8,16"), Dense: true)).Staircase;

        Assert.Equal(["32x48", "32x48-dense"], staircase.Series.Select(s => s.Key));
        var dense = Assert.Single(staircase.Find("32x48-dense")!.Points);
        Assert.Equal(32, dense.Dimension);
        Assert.Contains(models.Built, p => p.IsDense);
    }

    [Fact]
    public void A_sweep_with_no_valid_rank_for_a_shape_is_GAC4102_before_anything_runs()
    {
        var models = new CountingProbeModels();

        var error = Assert.Throws<GacException>(() => Profiler(models).Profile(new ProfileRequest([new GemmShape(16, 16)], 8,
            DimensionSweep.Parse("32:64:8"))));

        Assert.Equal("GAC4102", error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Empty(models.Built);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
