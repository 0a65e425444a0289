namespace Gac.Core.Diagnostics;

/// <summary>
/// Calibration data (GAC15xx) and the native libtorch runtime (GAC45xx) used by Gac.Compression.
/// </summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor CalibrationShapeMismatch = new(
        "GAC1501", "Calibration activations have the wrong width",
        "A batch of calibration activations is not a whole number of rows of the layer's input width, or two statistics of different widths were merged.",
        "Feed the activations of the layer's input (row-major [tokens, in_features]) and merge statistics of the same layer only.");

    public static readonly DiagnosticDescriptor CalibrationNotFinite = new(
        "GAC1502", "Calibration activations contain NaN or infinity",
        "A calibration batch holds a non-finite value, so per-channel statistics would be meaningless.",
        "Check the calibration inputs and the model (fp16 overflow is a common cause); run calibration in fp32.");

    public static readonly DiagnosticDescriptor CalibrationEmpty = new(
        "GAC1503", "No calibration activations",
        "Statistics were requested for a layer that has seen no calibration rows.",
        "Provide at least one calibration sample that reaches the layer.");

    public static readonly DiagnosticDescriptor LibTorchNotFound = new(
        "GAC4501", "libtorch native files not found",
        "libLibTorchSharp.so or libtorch.so is in none of the folders the application's dependencies point to (runtimes/linux-x64/native beside the " +
            "assembly, or the NuGet package folder).",
        "Reference the TorchSharp and libtorch-cpu-linux-x64 packages from the application and restore it; the message lists the folders searched.");

    public static readonly DiagnosticDescriptor LibStdCxxTooOld = new(
        "GAC4502", "The system C++ runtime is too old for TorchSharp",
        "libLibTorchSharp.so needs symbol versions of libstdc++ that the running libstdc++.so.6 does not define, beyond the one version (GLIBCXX_3.4.32) " +
            "that is known to be safe to weaken.",
        "Install a newer libstdc++ (GCC 13 or later), or use a TorchSharp build compiled against this system's GCC.");

    public static readonly DiagnosticDescriptor LibTorchLoadFailed = new(
        "GAC4503", "A libtorch native library failed to load",
        "The dynamic loader refused a libtorch library; the message carries its own error text (missing file, missing dependency, missing symbol version).",
        "Run `ldd` on the named library to see the missing piece; check that the package restore was complete.");

    public static readonly DiagnosticDescriptor LibTorchSharpPatchFailed = new(
        "GAC4504", "Could not prepare the patched copy of libLibTorchSharp.so",
        "The library is not a well-formed 64-bit ELF file with a version-needs table, or the cache folder for the patched copy is not writable.",
        "Check the message; set GAC_NATIVE_CACHE to a writable folder, or restore the TorchSharp package again if the file is damaged.");

    public static readonly DiagnosticDescriptor TorchInitializationFailed = new(
        "GAC4505", "TorchSharp failed to initialise",
        "The native libraries loaded but TorchSharp's own initialisation or a first tensor operation failed.",
        "Check that TorchSharp and libtorch-cpu-linux-x64 versions match (Directory.Packages.props); the inner exception has the native error.");

    public static readonly DiagnosticDescriptor TorchOperationFailed = new(
        "GAC4506", "A libtorch operation failed",
        "A tensor operation (matrix product, eigendecomposition) raised a native error, usually out of memory or a non-finite weight.",
        "Check the weights for NaN/infinity and the free memory; the message names the layer and the operation.");
}
