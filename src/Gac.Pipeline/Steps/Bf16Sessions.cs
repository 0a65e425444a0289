using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Rewrites;
using Gac.Runtime.Providers;
using Google.Protobuf;

namespace Gac.Pipeline.Steps;

/// <summary>
/// export.dtype bf16 and the CPU provider, which has Cast to and from bfloat16 but no bfloat16 MatMul
/// or Gemm. The compress stage (calibration runs, layer probes, plan selection — all on the CPU)
/// compares written bf16 variants through <see cref="Bf16Emulation"/>: exact bfloat16 operands,
/// float32 compute, results rounded to bfloat16, which measures what bfloat16 costs in fidelity.
/// Validation is refused there (GAC3071): its latency and the gate's fidelity must come from the
/// kernels the artifact will run on, and an emulation's timing says nothing about them.
/// </summary>
internal static class Bf16Sessions
{
    /// <summary>Opens a written variant: as it is, or through the emulation for a bf16 variant on the CPU provider.</summary>
    public static OrtSession Open(RunContext run, string path, string label)
    {
        if (run.DType != ExportDType.Bf16 || run.Sessions.ResolveProvider() != ExecutionProvider.Cpu)
        {
            return run.Sessions.Open(path, label);
        }

        var (emulated, _) = Bf16Emulation.Apply(OnnxModelFile.Load(path));
        return run.Sessions.Open(emulated.ToByteArray(), label, externalDataFolder: Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>GAC3071 when a bf16 artifact would be validated on the CPU provider (provider: cpu, or auto without CUDA).</summary>
    public static void ThrowIfValidatedOnCpu(RunContext run)
    {
        if (run.DType != ExportDType.Bf16 || run.Sessions.ResolveProvider() != ExecutionProvider.Cpu)
        {
            return;
        }

        var why = run.Sessions.FallbackReason is { } reason ? $"provider: auto fell back to the CPU ({reason})" : "provider is cpu";
        var dtype = run.Spec.Export.DType == ExportDType.Auto ? "export.dtype auto is bf16 (the checkpoint's weights are BF16)" : "export.dtype is bf16";
        throw GacException.Create(
            DiagnosticCatalogue.Bf16ValidationOnCpu,
            $"{dtype} and validation would run on the CPU provider ({why}). ONNX Runtime's CPU provider has no bfloat16 MatMul, so the " +
                "artifact's latency and fidelity cannot be measured here. Run `gac-build run <gac.yaml> --stage compress` on this machine and " +
                "`gac-build validate <bundle>` with provider: cuda on an Ampere (sm_80) or newer GPU, or export with export.dtype: fp16 or fp32.");
    }
}
