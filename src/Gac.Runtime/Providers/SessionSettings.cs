using Gac.Core.Spec;

namespace Gac.Runtime.Providers;

/// <summary>How to open ONNX Runtime sessions for one run; all variants of a run share it.</summary>
/// <param name="Policy">auto | cuda | cpu, as validation.provider or --provider gave it.</param>
/// <param name="CudaDeviceId">The GPU ordinal for the CUDA provider.</param>
/// <param name="IntraOpThreads">Threads per operator; null lets ORT choose (one per physical core).</param>
/// <param name="NativeLibraryFolder">Folder with a GPU build's libonnxruntime.so; null falls back to GAC_ORT_NATIVE_PATH.</param>
/// <param name="CudaGraph">Sessions capture and replay CUDA graphs (enable_cuda_graph); the CUDA provider only.</param>
public sealed record SessionSettings(
    ExecutionProviderChoice Policy = ExecutionProviderChoice.Auto,
    int CudaDeviceId = 0,
    int? IntraOpThreads = null,
    string? NativeLibraryFolder = null,
    bool CudaGraph = false);
