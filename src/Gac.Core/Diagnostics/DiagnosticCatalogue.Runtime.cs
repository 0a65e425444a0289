namespace Gac.Core.Diagnostics;

public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor CudaProviderUnavailable = new(
        "GAC4001", "CUDA execution provider unavailable",
        "The CUDA execution provider was requested, but it cannot load: no NVIDIA driver, or a CUDA 13 or cuDNN 9 library is missing (the message names the " +
            "one ONNX Runtime could not open), or a CPU-only ONNX Runtime was named by GAC_ORT_NATIVE_PATH.",
        "Install the NVIDIA driver, CUDA 13 and cuDNN 9 and put their libraries on LD_LIBRARY_PATH (the tool ships ONNX Runtime's GPU build, " +
            "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0); or set validation.provider: auto / cpu.");

    public static readonly DiagnosticDescriptor NativeLibraryFolderInvalid = new(
        "GAC4002", "ONNX Runtime native library folder is invalid",
        "The folder given by GAC_ORT_NATIVE_PATH or the spec does not exist or holds no libonnxruntime native library.",
        "Point it at the folder that contains libonnxruntime.so (runtimes/linux-x64/native in the GPU package, or lib/ in the GPU release archive).");

    public static readonly DiagnosticDescriptor NativeLibraryConfiguredTooLate = new(
        "GAC4003", "ONNX Runtime native library override came too late",
        "ONNX Runtime had already loaded its own native library in this process, so the user-given folder cannot take effect.",
        "Configure the native folder before any ONNX Runtime call (the pipeline does this at start-up); report a bug if you see this from gac-build.");

    public static readonly DiagnosticDescriptor ModelLoadFailed = new(
        "GAC4004", "ONNX Runtime could not load the model",
        "ONNX Runtime rejected the model file (corrupt protobuf, unsupported opset or operator, missing external data).",
        "Check that the model opens in ONNX Runtime of the same version; keep external-data files beside the model.");

    public static readonly DiagnosticDescriptor UnboundSymbolicDimension = new(
        "GAC4005", "Symbolic input dimension has no value",
        "A model input has a symbolic dimension (such as seq or an image height) that neither calibration.dims, validation.shapes, calibration.inputs nor " +
            "`bench --shape` binds; only a batch dim (1) and a k/v-cache length (0) have defaults.",
        "Give every dimension the message lists a value, e.g. calibration.dims: { batch: 1, seq: 128 } or bench --shape batch=1,seq=128.");

    public static readonly DiagnosticDescriptor UnsupportedInputType = new(
        "GAC4006", "Model input type not supported by the benchmark",
        "The benchmark generates random float32, float16, int64 and int32 tensors only.",
        "Supply held-out inputs yourself, or wrap the model so its inputs are one of the supported types.");

    public static readonly DiagnosticDescriptor InferenceFailed = new(
        "GAC4007", "Inference failed",
        "ONNX Runtime failed while running the model (out of memory, invalid input shape, kernel error).",
        "Read the ONNX Runtime message in the diagnostic; try smaller shape buckets or the CPU provider to isolate it.");

    public static readonly DiagnosticDescriptor ProviderFellBackToCpu = new(
        "GAC4008", "Execution provider fell back to CPU",
        "provider: auto found no usable CUDA execution provider and ran on the CPU; CPU timings do not show GAC's GPU speedup.",
        "Install the NVIDIA driver, CUDA 13 and cuDNN 9 (see GAC4001; the message names the missing library) to measure on the GPU, or set provider: cpu to " +
            "silence this warning.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor OutputsIncomparable = new(
        "GAC4009", "Original and candidate outputs cannot be compared",
        "The two models produce outputs of different names, counts or shapes for the same input, or a non-floating-point output.",
        "Compression must keep the model's interface; compare the models' outputs with `gac-build audit`.");

    public static readonly DiagnosticDescriptor PerplexityInputsInvalid = new(
        "GAC4010", "Perplexity cannot be computed",
        "Perplexity needs logits shaped [batch, seq, vocab] and int64 token ids shaped [batch, seq] with ids inside the vocabulary and seq ≥ 2.",
        "Name the token-id input and the logits output of a language model in the spec, or drop the perplexity goal.");

    public static readonly DiagnosticDescriptor ValidatedOneAtATime = new(
        "GAC4012", "Variants validated one at a time",
        "The original and the two candidates were loaded and measured one after another (validation.sessions: one-at-a-time, or auto because their weights " +
            "exceed half of the available memory), so latency was timed in blocks rather than interleaved and machine drift between blocks is not cancelled.",
        "Nothing to fix for a large model. On a machine with enough memory, validation.sessions: together gives interleaved timings.",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor BenchmarkSettingsInvalid = new(
        "GAC4011", "Benchmark settings are invalid",
        "Warm-up or iteration counts are out of range, there is no variant to measure, or no shape bucket is given.",
        "Use at least 1 measured iteration, 0 or more warm-up runs, at least one model and one shape bucket.");
}
