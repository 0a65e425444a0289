namespace Gac.Core.Diagnostics;

/// <summary>The native packages the gac-build tool restores on first use (README "Packaging"), and CUDA-only validation options.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor NativePackageRestoreFailed = new(
        "GAC4060", "Native libraries could not be restored",
        "The gac-build tool package leaves out libtorch (libtorch-cpu-linux-x64) and ONNX Runtime's GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux) and " +
            "restores them into the NuGet package cache on first use; that `dotnet restore` failed (no network, no feed serving them, or a source mapping " +
            "that excludes them).",
        "Make nuget.org (or a feed mirroring those two packages at the versions named) reachable from the nuget.config nearest the current folder, or " +
            "restore them once on a connected machine into the same NUGET_PACKAGES folder.");

    public static readonly DiagnosticDescriptor NativePackageIncomplete = new(
        "GAC4061", "Restored native package lacks its libraries",
        "The native package was restored into the NuGet package cache, but the library the tool loads from it is missing there (a partial extraction, or a " +
            "globalPackagesFolder setting the tool does not see).",
        "Delete that package's folder from the NuGet package cache and run again; set NUGET_PACKAGES to the folder your nuget.config's globalPackagesFolder " +
            "names.");

    public static readonly DiagnosticDescriptor CudaGraphNeedsCuda = new(
        "GAC4062", "CUDA graphs need the CUDA provider",
        "validation.cuda_graph is true, but the run resolved to ONNX Runtime's CPU provider (provider: cpu, or auto without usable CUDA); CUDA graphs " +
            "capture GPU kernel launches and have no CPU meaning.",
        "Set validation.cuda_graph: false, or run on a machine with an NVIDIA GPU, CUDA 13 and cuDNN 9 with provider: cuda.");
}
