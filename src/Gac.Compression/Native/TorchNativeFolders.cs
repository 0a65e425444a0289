using System.Reflection;
using Gac.Core.Natives;

namespace Gac.Compression.Native;

/// <summary>Where libLibTorchSharp.so and libtorch.so (with libc10 and libtorch_cpu beside it) live.</summary>
internal sealed record TorchNativeFolders(string LibTorchSharpFile, string LibTorchFolder)
{
    public const string LibTorchSharpFileName = "libLibTorchSharp.so";
    public const string LibTorchFileName = "libtorch.so";
    private const string RidFolder = "runtimes/linux-x64/native";

    /// <summary>
    /// Looks where the .NET host puts native assets for this app: the folders the deps file names
    /// (NATIVE_DLL_SEARCH_DIRECTORIES), runtimes/linux-x64/native beside the app and beside
    /// TorchSharp.dll, and the NuGet package folder TorchSharp.dll came from. The gac-build tool package
    /// ships TorchSharp's shim but not libtorch: when the shim is found and libtorch is not,
    /// libtorch-cpu-linux-x64 comes from the NuGet package cache, restored there on first use
    /// (<see cref="NativePackageRestore"/>). Null when a file is missing; <paramref name="searched"/>
    /// then says where we looked.
    /// </summary>
    public static TorchNativeFolders? Locate(Assembly torchSharp, out IReadOnlyList<string> searched)
    {
        var candidates = CandidateFolders(torchSharp).Distinct(StringComparer.Ordinal).ToArray();
        searched = candidates;
        var sharp = candidates.Select(d => Path.Combine(d, LibTorchSharpFileName)).FirstOrDefault(File.Exists);
        var torch = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, LibTorchFileName)));
        if (sharp is not null && torch is null)
        {
            torch = NativePackageRestore.NativeFolder(NativePackage.LibTorchCpu);
        }

        return sharp is null || torch is null ? null : new TorchNativeFolders(sharp, torch);
    }

    private static IEnumerable<string> CandidateFolders(Assembly torchSharp)
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string list)
        {
            foreach (var dir in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return Path.GetFullPath(dir);
            }
        }
        yield return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, RidFolder));
        var assemblyFolder = Path.GetDirectoryName(torchSharp.Location);
        if (string.IsNullOrEmpty(assemblyFolder))
        {
            yield break;
        }
        yield return Path.GetFullPath(Path.Combine(assemblyFolder, RidFolder));

        // Package-folder layout: <packages>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll, with the
        // natives in <packages>/torchsharp/<version>/runtimes/... and <packages>/libtorch-cpu-linux-x64/<v>/runtimes/...
        var packageVersionFolder = Path.GetFullPath(Path.Combine(assemblyFolder, "..", ".."));
        yield return Path.Combine(packageVersionFolder, RidFolder);
        var packagesRoot = Path.GetFullPath(Path.Combine(packageVersionFolder, "..", ".."));
        var libtorchPackage = Path.Combine(packagesRoot, "libtorch-cpu-linux-x64");
        if (Directory.Exists(libtorchPackage))
        {
            foreach (var version in Directory.GetDirectories(libtorchPackage).OrderDescending(StringComparer.Ordinal))
            {
                yield return Path.Combine(version, RidFolder);
            }
        }
    }
}
