using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// Opens ONNX Runtime sessions under one provider decision. The decision is made once, on first use,
/// so every variant of a run is measured on the same provider. Sessions returned are owned by the
/// caller (dispose them).
/// </summary>
public sealed class OrtSessionFactory
{
    /// <summary>Session config key that tells ORT where external-data files live when the model comes from bytes.</summary>
    public const string ExternalInitializersFolderKey = "session.model_external_initializers_file_folder_path";

    /// <summary>Session config key that keeps kernels from prepacking constant weights into a copy of their own.</summary>
    public const string DisablePrepackingKey = "session.disable_prepacking";

    private readonly SessionSettings _settings;
    private readonly List<Diagnostic> _warnings = [];
    private readonly List<string> _wholeModelsOpened = [];
    private ExecutionProvider? _provider;

    public OrtSessionFactory(SessionSettings settings)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
    }

    /// <summary>Warnings produced by the provider decision (GAC4008 when auto fell back to CPU).</summary>
    public IReadOnlyList<Diagnostic> Warnings => _warnings;

    /// <summary>Why auto fell back to CPU, when it did.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>
    /// The execution provider's options in effect, for the report: "cpu", or the CUDA provider's
    /// settings as ONNX Runtime reports them back (TF32, cuDNN algorithm search, CUDA graphs) with
    /// the GEMM accumulation it uses. Null before <see cref="ResolveProvider"/>.
    /// </summary>
    public string? ProviderOptions { get; private set; }

    public SessionSettings Settings => _settings;

    /// <summary>Decides (once) and returns the provider sessions will use. Throws GAC4001 for cuda without a GPU build.</summary>
    public ExecutionProvider ResolveProvider()
    {
        if (_provider is { } known)
        {
            return known;
        }

        OrtNativeLibrary.Configure(_settings.NativeLibraryFolder);
        OrtLog.Install();
        if (_settings.Policy == ExecutionProviderChoice.Cpu)
        {
            if (_settings.CudaGraph)
            {
                throw CudaGraphNeedsCuda("the provider is cpu");
            }

            _provider = ExecutionProvider.Cpu;
            ProviderOptions = CpuOptions;
            return ExecutionProvider.Cpu;
        }

        using var probe = new SessionOptions();
        var mark = OrtLog.Mark;
        var failure = TryAppendCuda(probe, _settings, out var effective);
        if (failure is null)
        {
            _provider = ExecutionProvider.Cuda;
            ProviderOptions = CudaOptionsText(effective, _settings.CudaGraph);
        }
        else if (_settings.Policy == ExecutionProviderChoice.Cuda)
        {
            throw CudaUnavailable(failure, Missing(mark, failure));
        }
        else
        {
            FallbackReason = Cause(failure, Missing(mark, failure));
            if (_settings.CudaGraph)
            {
                throw CudaGraphNeedsCuda($"provider: auto fell back to the CPU because {FallbackReason}");
            }

            _warnings.Add(new Diagnostic(
                DiagnosticCatalogue.ProviderFellBackToCpu,
                $"provider: auto ran on the CPU because CUDA is unavailable: {FallbackReason}. {Requirement}"));
            _provider = ExecutionProvider.Cpu;
            ProviderOptions = CpuOptions;
        }

        return _provider.Value;
    }

    /// <summary>
    /// The model files opened whole (<see cref="Open(string, string?)"/>), in order: what a layer-wise
    /// validation must never do for a model that does not fit, observable by the run and its tests.
    /// </summary>
    public IReadOnlyList<string> WholeModelsOpened
    {
        get
        {
            lock (_wholeModelsOpened)
            {
                return [.. _wholeModelsOpened];
            }
        }
    }

    public OrtSession Open(string modelPath, string? name = null)
    {
        if (!File.Exists(modelPath))
        {
            throw GacException.Create(DiagnosticCatalogue.ModelLoadFailed, $"Model '{modelPath}' does not exist.", new SourceLocation(modelPath));
        }

        lock (_wholeModelsOpened)
        {
            _wholeModelsOpened.Add(Path.GetFullPath(modelPath));
        }

        return Create(name ?? Path.GetFileNameWithoutExtension(modelPath), modelPath, options => new InferenceSession(modelPath, options));
    }

    /// <param name="externalDataFolder">Folder holding the model's external-data files, when it has any.</param>
    /// <param name="packWeights">False: MatMul weights are not prepacked into a second copy (session.disable_prepacking), so a segment holds its weights
    /// once — a vocabulary-sized LM head would otherwise be held three times at load (16-bit, float32 folded, packed). Timing sessions keep packing:
    /// that is how a deployed model runs.</param>
    public OrtSession Open(byte[] model, string name, string? externalDataFolder = null, bool packWeights = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(name, name, options =>
        {
            if (!packWeights)
            {
                options.AddSessionConfigEntry(DisablePrepackingKey, "1");
            }

            if (externalDataFolder is not null)
            {
                options.AddSessionConfigEntry(ExternalInitializersFolderKey, Path.GetFullPath(externalDataFolder));
            }

            return new InferenceSession(model, options);
        });
    }

    /// <summary>
    /// Opens <paramref name="modelPath"/> with ONNX Runtime's profiler on; the profile is written
    /// (file name starting with <paramref name="profilePrefix"/>) when the caller calls EndProfiling.
    /// </summary>
    public OrtSession OpenProfiled(string modelPath, string profilePrefix)
    {
        if (!File.Exists(modelPath))
        {
            throw GacException.Create(DiagnosticCatalogue.ModelLoadFailed, $"Model '{modelPath}' does not exist.", new SourceLocation(modelPath));
        }

        return Create(Path.GetFileNameWithoutExtension(modelPath), modelPath, options =>
        {
            // The prefix must be set before profiling is enabled (PLATFORM-NOTES.md).
            options.ProfileOutputPathPrefix = profilePrefix;
            options.EnableProfiling = true;
            return new InferenceSession(modelPath, options);
        });
    }

    private OrtSession Create(string name, string source, Func<SessionOptions, InferenceSession> open)
    {
        var chosen = ResolveProvider();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_settings.IntraOpThreads is { } threads)
        {
            options.IntraOpNumThreads = threads;
        }

        var mark = OrtLog.Mark;
        if (chosen == ExecutionProvider.Cuda && TryAppendCuda(options, _settings, out _) is { } failure)
        {
            throw CudaUnavailable(failure, Missing(mark, failure));
        }

        try
        {
            return new OrtSession(name, open(options), chosen, _settings.CudaDeviceId, _settings.CudaGraph && chosen == ExecutionProvider.Cuda);
        }
        catch (OnnxRuntimeException e) when (chosen == ExecutionProvider.Cuda && LooksLikeMissingCuda(e.Message))
        {
            throw CudaUnavailable(e, Missing(mark, e));
        }
        catch (OnnxRuntimeException e)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelLoadFailed,
                $"ONNX Runtime could not load '{source}': {e.Message}",
                new SourceLocation(source),
                e);
        }
    }

    /// <summary>What the CUDA provider needs at run time (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0, PLATFORM-NOTES.md).</summary>
    public const string Requirement =
        "CUDA needs an NVIDIA GPU and driver (libcuda.so.1), CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) "
        + "and cuDNN 9 (libcudnn.so.9) on the library path (LD_LIBRARY_PATH)";

    private const string CpuOptions = "cpu";

    /// <summary>
    /// A CPU-only ONNX Runtime (a folder named by GAC_ORT_NATIVE_PATH) fails in one of two ways
    /// depending on the entry point it takes (PLATFORM-NOTES.md): the exported symbol is missing, or
    /// the provider reports it is not built in. The GPU build without CUDA/cuDNN on the machine fails
    /// with "Failed to load shared library"; the library's name is only in ONNX Runtime's log.
    /// </summary>
    private static Exception? TryAppendCuda(SessionOptions options, SessionSettings settings, out string? effective)
    {
        effective = null;
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            var requested = new Dictionary<string, string> { ["device_id"] = settings.CudaDeviceId.ToString(CultureInfo.InvariantCulture) };
            if (settings.CudaGraph)
            {
                requested["enable_cuda_graph"] = "1";
            }

            cuda.UpdateOptions(requested);
            options.AppendExecutionProvider_CUDA(cuda);
            effective = cuda.GetOptions();
            return null;
        }
        catch (EntryPointNotFoundException e)
        {
            return e;
        }
        catch (DllNotFoundException e)
        {
            return e;
        }
        catch (OnnxRuntimeException e)
        {
            return e;
        }
    }

    /// <summary>
    /// The options that decide GEMM numerics and launch, from ONNX Runtime's "key=value;…" report of the CUDA provider's
    /// settings. ONNX Runtime 1.31 leaves enable_cuda_graph out of that report (seen on an H200, where graphs were
    /// captured), so when it is missing the text says what this factory set and that it was not echoed back.
    /// </summary>
    internal static string CudaOptionsText(string? effective, bool cudaGraphRequested)
    {
        var all = (effective ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        string Of(string key) => all.TryGetValue(key, out var v) ? v : "not reported";
        var graph = all.TryGetValue("enable_cuda_graph", out var reported)
            ? reported
            : cudaGraphRequested ? "1 (set by gac-build; not reported back by ONNX Runtime)" : "0 (not set; not reported back by ONNX Runtime)";
        return $"cuda: device_id={Of("device_id")}, use_tf32={Of("use_tf32")} (fp32 MatMul as TF32 when 1), "
            + "fp16 GEMM accumulate=fp32 (cuBLAS compute type in ONNX Runtime's CUDA MatMul), "
            + $"cudnn=on (cudnn_conv_algo_search={Of("cudnn_conv_algo_search")}), enable_cuda_graph={graph}";
    }

    private static bool LooksLikeMissingCuda(string message)
        => message.Contains("CUDA", StringComparison.OrdinalIgnoreCase)
           || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
           || message.Contains("libcu", StringComparison.Ordinal)
           || message.Contains("shared library", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The libraries ONNX Runtime reported it could not open: from the log lines since
    /// <paramref name="mark"/> and the exception; ONNX Runtime logs a provider library's failure
    /// once per process, so an earlier attempt's line (still kept) is read when no new one came.
    /// </summary>
    private static IReadOnlyList<string> Missing(long mark, Exception cause)
    {
        var fresh = OrtLog.MissingLibraries(OrtLog.Since(mark).Append(cause.Message));
        return fresh.Count > 0 ? fresh : OrtLog.MissingLibraries(OrtLog.Since(0));
    }

    private static string Cause(Exception cause, IReadOnlyList<string> missing)
    {
        var what = cause switch
        {
            EntryPointNotFoundException => "the loaded ONNX Runtime is a CPU-only build (no CUDA entry point)",
            OnnxRuntimeException e when e.Message.Contains("not enabled in this build", StringComparison.OrdinalIgnoreCase) =>
                "the loaded ONNX Runtime is a CPU-only build (CUDA execution provider is not enabled in this build)",
            _ => $"the CUDA execution provider failed to load ({cause.Message.Trim()})",
        };
        return missing.Count > 0 ? $"the CUDA execution provider failed to load: missing {string.Join(", ", missing)} (the library the dynamic loader could " +
            $"not open, from ONNX Runtime's log)" : what;
    }

    /// <summary>GAC4062: CUDA graphs are a CUDA-provider feature; on the CPU the request would be silently meaningless.</summary>
    private static GacException CudaGraphNeedsCuda(string why)
        => GacException.Create(DiagnosticCatalogue.CudaGraphNeedsCuda, $"validation.cuda_graph: true needs the CUDA execution provider, but {why}. Set " +
            $"cuda_graph: false to time without CUDA graphs, or run where CUDA is available with provider: cuda.");

    private static GacException CudaUnavailable(Exception cause, IReadOnlyList<string> missing)
    {
        var native = OrtNativeLibrary.ConfiguredFolder is { } folder ? $"the native library from '{folder}'"
            : "the packaged GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0)";
        var message = $"provider: cuda was requested but {Cause(cause, missing)}; ONNX Runtime used {native}. {Requirement}. Or use provider: auto / cpu.";
        return new GacException(new Diagnostic(DiagnosticCatalogue.CudaProviderUnavailable, message), cause) { ExitCode = ExitCodes.BadInput };
    }
}
