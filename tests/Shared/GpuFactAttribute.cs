using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Tests.Shared;

/// <summary>
/// A fact that needs a GPU build of ONNX Runtime. xunit 2.9 has no Assert.Skip, so the reason is set
/// at discovery and shows in the test output as "skipped: no GPU build of ONNX Runtime (set
/// GAC_ORT_NATIVE_PATH)". With <see cref="Inverted"/>, the fact is one that only holds on a CPU-only
/// build (it checks the GAC4001 path) and is skipped where CUDA is available.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GpuFactAttribute : FactAttribute
{
    public const string NoGpuReason = "skipped: no GPU build of ONNX Runtime (set GAC_ORT_NATIVE_PATH)";

    private const string CpuOnlyReason = "skipped: a GPU build of ONNX Runtime is loaded; this checks the CPU-only path";
    private static readonly Lazy<bool> CudaAvailable = new(Probe);
    private readonly bool inverted;

    public GpuFactAttribute()
    {
        Skip = CudaAvailable.Value ? null! : NoGpuReason;
    }

    /// <summary>True for facts about the CPU-only build; they are skipped where CUDA is available.</summary>
    public bool Inverted
    {
        get => inverted;
        init
        {
            inverted = value;
            Skip = CudaAvailable.Value == value ? (value ? CpuOnlyReason : NoGpuReason) : null!;
        }
    }

    private static bool Probe()
    {
        try
        {
            OrtNativeLibrary.Configure(null);
            return OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        }
        catch (Exception e) when (e is Gac.Core.Diagnostics.GacException or OnnxRuntimeException or DllNotFoundException)
        {
            return false;
        }
    }
}
