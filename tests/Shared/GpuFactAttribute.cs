using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Tests.Shared;

/// <summary>
/// A fact that needs a CUDA provider that loads (the GPU build of ONNX Runtime ships with the tool;
/// the machine needs an NVIDIA driver, CUDA 13 and cuDNN 9). xunit 2.9 has no Assert.Skip, so the
/// reason is set at discovery and shows in the test output. With <see cref="Inverted"/>, the fact is
/// one that only holds where CUDA does not load (it checks the GAC4001 path) and is skipped where it does.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GpuFactAttribute : FactAttribute
{
    public const string NoGpuReason = "skipped: CUDA does not load here (needs an NVIDIA driver, CUDA 13, cuDNN 9)";

    private const string CpuOnlyReason = "skipped: CUDA loads here; this checks the path without usable CUDA";
    private static readonly Lazy<bool> CudaAvailable = new(Probe);
    private readonly bool _inverted;

    public GpuFactAttribute()
    {
        Skip = CudaAvailable.Value ? null! : NoGpuReason;
    }

    /// <summary>True for facts about a machine without usable CUDA; they are skipped where CUDA loads.</summary>
    public bool Inverted
    {
        get => _inverted;
        init
        {
            _inverted = value;
            Skip = CudaAvailable.Value == value ? (value ? CpuOnlyReason : NoGpuReason) : null!;
        }
    }

    /// <summary>
    /// The lowest CUDA compute capability the fact needs (e.g. 8.0: bf16 GEMMs need Ampere or newer), read from
    /// <c>nvidia-smi --query-gpu=compute_cap</c>; an older GPU, or one whose capability cannot be read, skips with the reason.
    /// </summary>
    public double MinimumComputeCapability
    {
        get;
        init
        {
            field = value;
            if (Skip is null && ComputeCapability.Value is var found && (found is null || found < value))
            {
                Skip = found is null
                    ? $"skipped: needs compute capability {value:0.0}+, and nvidia-smi did not report one"
                    : $"skipped: needs compute capability {value:0.0}+, the GPU has {found:0.0}";
            }
        }
    }

    private static readonly Lazy<double?> ComputeCapability = new(ReadComputeCapability);

    private static double? ReadComputeCapability()
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("nvidia-smi", "--query-gpu=compute_cap --format=csv,noheader")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var smi = System.Diagnostics.Process.Start(start);
            var first = smi!.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            smi.WaitForExit();
            return double.TryParse(first?.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var cc)
                ? cc : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static bool Probe()
    {
        try
        {
            // GetAvailableProviders() lists CUDA in the GPU build even where it cannot load: try to load it.
            OrtNativeLibrary.Configure(null);
            OrtLog.Install();
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            return true;
        }
        catch (Exception e) when (e is Gac.Core.Diagnostics.GacException or OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
