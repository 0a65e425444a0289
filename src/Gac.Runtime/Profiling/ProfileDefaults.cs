using Gac.Runtime.Benchmark;

namespace Gac.Runtime.Profiling;

/// <summary>
/// Per-probe timing defaults. A staircase has hundreds of probes and keeps only each p50, so fewer
/// runs than a model benchmark: 20 timed runs put the median within a few percent on a quiet GPU,
/// below the planner's 2% cliff tolerance only when the machine is quiet — raise --iterations on a
/// shared one. 100 bootstrap resamples: the interval is computed but not stored.
/// </summary>
public static class ProfileDefaults
{
    public const int Warmup = 3;

    public const int Iterations = 20;

    public const int Tokens = 128;

    public static BenchmarkSettings Benchmark { get; } = new(Warmup: Warmup, Iterations: Iterations, BootstrapResamples: 100);
}
