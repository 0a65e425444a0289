using System.Reflection;

namespace Gac.Core.Natives;

/// <summary>
/// A NuGet package whose native libraries the gac-build tool package leaves out (nuget.org refuses
/// packages over 250 MB; libtorch_cpu.so alone is 461 MB unpacked) and restores on first use into the
/// NuGet package cache, at the exact version the tool was built against.
/// </summary>
/// <param name="Id">The package id as published on nuget.org.</param>
/// <param name="Version">The exact version (recorded at build time from Directory.Packages.props).</param>
/// <param name="MarkerFile">A file in the package's native folder whose presence means the package is usable.</param>
public sealed record NativePackage(string Id, string Version, string MarkerFile)
{
    /// <summary>The RID folder both packages ship their natives in; the tool is built for linux-x64 only.</summary>
    public const string NativeSubfolder = "runtimes/linux-x64/native";

    /// <summary>libtorch for the CPU (libc10, libtorch_cpu, libtorch): 128 MB package.</summary>
    public static NativePackage LibTorchCpu { get; } = Recorded("libtorch-cpu-linux-x64", "libtorch_cpu.so");

    /// <summary>ONNX Runtime's GPU build: libonnxruntime.so and the CUDA/TensorRT providers (245 MB package).</summary>
    public static NativePackage OnnxRuntimeGpu { get; } = Recorded("Microsoft.ML.OnnxRuntime.Gpu.Linux", "libonnxruntime.so");

    /// <summary>Both packages, in the order the tool restores them.</summary>
    public static IReadOnlyList<NativePackage> All { get; } = [LibTorchCpu, OnnxRuntimeGpu];

    /// <summary>Where NuGet extracts this package under a global packages folder (ids are lower-cased there).</summary>
    public string NativeFolder(string packagesRoot)
        => Path.Combine(packagesRoot, Id.ToLowerInvariant(), Version.ToLowerInvariant(), NativeSubfolder);

    /// <summary>True when <paramref name="packagesRoot"/> holds this package's natives.</summary>
    public bool IsRestoredUnder(string packagesRoot) => File.Exists(Path.Combine(NativeFolder(packagesRoot), MarkerFile));

    public override string ToString() => $"{Id} {Version}";

    private static NativePackage Recorded(string id, string marker)
    {
        var key = "Gac.NativePackage." + id;
        var version = typeof(NativePackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(version))
        {
            // A build fault, not a user error: Gac.Core.csproj records both versions.
            throw new InvalidOperationException($"assembly metadata {key} is missing from Gac.Core");
        }

        return new NativePackage(id, version, marker);
    }
}
