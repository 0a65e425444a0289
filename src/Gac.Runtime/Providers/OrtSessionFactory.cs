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

    private readonly SessionSettings settings;
    private readonly List<Diagnostic> warnings = [];
    private ExecutionProvider? provider;

    public OrtSessionFactory(SessionSettings settings)
    {
        this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
    }

    /// <summary>Warnings produced by the provider decision (GAC4008 when auto fell back to CPU).</summary>
    public IReadOnlyList<Diagnostic> Warnings => warnings;

    /// <summary>Why auto fell back to CPU, when it did.</summary>
    public string? FallbackReason { get; private set; }

    public SessionSettings Settings => settings;

    /// <summary>Decides (once) and returns the provider sessions will use. Throws GAC4001 for cuda without a GPU build.</summary>
    public ExecutionProvider ResolveProvider()
    {
        if (provider is { } known)
        {
            return known;
        }

        OrtNativeLibrary.Configure(settings.NativeLibraryFolder);
        if (settings.Policy == ExecutionProviderChoice.Cpu)
        {
            provider = ExecutionProvider.Cpu;
            return ExecutionProvider.Cpu;
        }

        using var probe = new SessionOptions();
        var failure = TryAppendCuda(probe, settings.CudaDeviceId);
        if (failure is null)
        {
            provider = ExecutionProvider.Cuda;
        }
        else if (settings.Policy == ExecutionProviderChoice.Cuda)
        {
            throw CudaUnavailable(failure);
        }
        else
        {
            FallbackReason = failure.Message;
            warnings.Add(new Diagnostic(
                DiagnosticCatalogue.ProviderFellBackToCpu,
                $"provider: auto ran on the CPU because CUDA is unavailable: {failure.Message}"));
            provider = ExecutionProvider.Cpu;
        }

        return provider.Value;
    }

    public OrtSession Open(string modelPath, string? name = null)
    {
        if (!File.Exists(modelPath))
        {
            throw GacException.Create(DiagnosticCatalogue.ModelLoadFailed, $"Model '{modelPath}' does not exist.", new SourceLocation(modelPath));
        }

        return Create(name ?? Path.GetFileNameWithoutExtension(modelPath), modelPath, options => new InferenceSession(modelPath, options));
    }

    /// <param name="externalDataFolder">Folder holding the model's external-data files, when it has any.</param>
    public OrtSession Open(byte[] model, string name, string? externalDataFolder = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(name, name, options =>
        {
            if (externalDataFolder is not null)
            {
                options.AddSessionConfigEntry(ExternalInitializersFolderKey, Path.GetFullPath(externalDataFolder));
            }

            return new InferenceSession(model, options);
        });
    }

    private OrtSession Create(string name, string source, Func<SessionOptions, InferenceSession> open)
    {
        var chosen = ResolveProvider();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (settings.IntraOpThreads is { } threads)
        {
            options.IntraOpNumThreads = threads;
        }

        if (chosen == ExecutionProvider.Cuda && TryAppendCuda(options, settings.CudaDeviceId) is { } failure)
        {
            throw CudaUnavailable(failure);
        }

        try
        {
            return new OrtSession(name, open(options), chosen, settings.CudaDeviceId);
        }
        catch (OnnxRuntimeException e) when (chosen == ExecutionProvider.Cuda && LooksLikeMissingCuda(e.Message))
        {
            throw CudaUnavailable(e);
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

    /// <summary>
    /// The CPU package fails in one of two ways depending on the entry point it takes
    /// (PLATFORM-NOTES.md): the exported symbol is missing, or the provider reports it is not built in.
    /// A GPU build without CUDA/cuDNN on the machine fails with a library-load message instead.
    /// </summary>
    private static Exception? TryAppendCuda(SessionOptions options, int deviceId)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
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

    private static bool LooksLikeMissingCuda(string message)
        => message.Contains("CUDA", StringComparison.OrdinalIgnoreCase)
           || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
           || message.Contains("libcu", StringComparison.Ordinal);

    private static GacException CudaUnavailable(Exception cause)
    {
        var what = cause switch
        {
            EntryPointNotFoundException => "the loaded ONNX Runtime is a CPU-only build (no CUDA entry point)",
            OnnxRuntimeException e when e.Message.Contains("not enabled in this build", StringComparison.OrdinalIgnoreCase) => "the loaded ONNX Runtime is a CPU-only build (CUDA execution provider is not enabled in this build)",
            _ => $"the CUDA execution provider failed to load ({cause.Message.Trim()})",
        };
        var native = OrtNativeLibrary.ConfiguredFolder is { } folder ? $"native library from '{folder}'" : "the packaged native library";
        var message = $"provider: cuda was requested but {what}; ONNX Runtime used {native}. Needed: a GPU build of ONNX Runtime "
            + $"(package Microsoft.ML.OnnxRuntime.Gpu, or its native folder via {OrtNativeLibrary.EnvironmentVariable} or the spec's native library path), "
            + "an NVIDIA driver, CUDA 12 and cuDNN 9. Or use provider: auto / cpu.";
        return new GacException(new Diagnostic(DiagnosticCatalogue.CudaProviderUnavailable, message), cause) { ExitCode = ExitCodes.BadInput };
    }
}
