namespace Gac.Runtime.Benchmark;

/// <param name="Warmup">Untimed runs per variant first (kernel selection, allocator growth, cuDNN autotune).</param>
/// <param name="Iterations">Timed runs per variant.</param>
/// <param name="BootstrapResamples">Resamples for the 95% intervals; 2000 keeps the interval ends stable to about ±1% of their width.</param>
/// <param name="Seed">Seeds the bootstrap (and generated inputs where the caller names no source), so a report is reproducible.</param>
/// <param name="Inputs">What the timed runs are fed: the source calibration and fidelity use; null generates from the model's metadata with no integer inputs
/// known.</param>
public sealed record BenchmarkSettings(
    int Warmup = 10,
    int Iterations = 100,
    int BootstrapResamples = 2000,
    int Seed = 20260301,
    IInputSource? Inputs = null)
{
    /// <summary>The source the timed runs are fed from.</summary>
    public IInputSource InputSource => Inputs ?? new GeneratedInputs(Core.Model.InputDomains.None, Seed);
}
