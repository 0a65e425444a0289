namespace Gac.Runtime.Benchmark;

/// <param name="Warmup">Untimed runs per variant first (kernel selection, allocator growth, cuDNN autotune).</param>
/// <param name="Iterations">Timed runs per variant.</param>
/// <param name="BootstrapResamples">Resamples for the 95% intervals; 2000 keeps the interval ends stable to about ±1% of their width.</param>
/// <param name="Seed">Seeds both the random inputs and the bootstrap, so a report is reproducible.</param>
/// <param name="VocabSize">Upper bound (exclusive) for random token ids.</param>
public sealed record BenchmarkSettings(
    int Warmup = 10,
    int Iterations = 100,
    int BootstrapResamples = 2000,
    int Seed = 20260301,
    long VocabSize = 32000);
