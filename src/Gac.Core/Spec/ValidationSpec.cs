namespace Gac.Core.Spec;

/// <param name="OrtNativePath">Folder with a GPU build of libonnxruntime.so; null to use the bundled runtime.</param>
/// <param name="Shapes">Symbolic-dimension values to benchmark; defaults to one entry equal to calibration.dims.</param>
/// <param name="Sessions">Whether the original and the two candidates are loaded together or one at a time.</param>
/// <param name="Pooling">How an encoder's token outputs are pooled into sentence vectors before comparison.</param>
/// <param name="Fidelity">validation.fidelity: end to end, or layer-wise (block by block) for models that cannot be run whole.</param>
/// <param name="CudaGraph">Capture each timed model and shape once as a CUDA graph and replay it (CUDA provider only; GAC4062 elsewhere).</param>
public sealed record ValidationSpec(
    ExecutionProviderChoice Provider,
    SpecPath? OrtNativePath,
    IReadOnlyList<IReadOnlyDictionary<string, long>> Shapes,
    int Warmup,
    int Iterations,
    int HeldoutSamples,
    ValidationSessions Sessions = ValidationSessions.Auto,
    SentencePooling Pooling = SentencePooling.Auto,
    bool CudaGraph = false,
    FidelityMode Fidelity = FidelityMode.Auto);
