using System.Reflection;
using System.Runtime.InteropServices;
using Gac.Compression.Native;
using Gac.Core.Diagnostics;
using TorchSharp;

namespace Gac.Compression;

/// <summary>
/// Loads libtorch and TorchSharp's native shim so that TorchSharp works on this OS. Call
/// <see cref="EnsureLoaded"/> before touching any TorchSharp type: TorchSharp's static initialiser
/// fails permanently for the process if its native library cannot load on first use.
/// </summary>
public static class TorchRuntime
{
    private const string LibTorchSharpImportName = "LibTorchSharp";

    private static readonly Lazy<TorchRuntimeInfo> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Idempotent and thread-safe. On Linux, when the running libstdc++ lacks GLIBCXX_3.4.32, loads a
    /// patched copy of libLibTorchSharp.so (see <see cref="TorchLoadPath.PatchedCopy"/>); otherwise the
    /// shipped file. Throws <see cref="GacException"/> (GAC4501–GAC4505) naming the real cause.
    /// </summary>
    public static TorchRuntimeInfo EnsureLoaded() => Loaded.Value;

    private static TorchRuntimeInfo Load()
    {
        var info = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? LoadOnLinux(typeof(torch).Assembly)
            : new TorchRuntimeInfo(TorchLoadPath.TorchSharpDefault, null, null, null, []);
        InitializeTorchSharp(info);
        return info;
    }

    private static TorchRuntimeInfo LoadOnLinux(Assembly torchSharp)
    {
        var folders = TorchNativeFolders.Locate(torchSharp, out var searched)
            ?? throw GacException.Create(
                DiagnosticCatalogue.LibTorchNotFound,
                $"{TorchNativeFolders.LibTorchSharpFileName} and {TorchNativeFolders.LibTorchFileName} were not both found; searched: " +
                    $"{string.Join(", ", searched)}.");

        var libStdCxx = LibStdCxxProbe.LoadedFile();
        var missing = MissingLibStdCxxVersions(folders.LibTorchSharpFile, libStdCxx);
        var unpatchable = missing.Where(v => v != LibTorchSharpPatch.WeakenableVersion).ToArray();
        if (unpatchable.Length > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LibStdCxxTooOld,
                $"{folders.LibTorchSharpFile} needs {string.Join(", ", unpatchable)} from libstdc++.so.6, which {libStdCxx} does not define.");
        }

        // libtorch first, by full path, so that the shim's DT_NEEDED entries (matched by SONAME) find
        // them already loaded even when the shim itself lives in the cache folder.
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", TorchNativeFolders.LibTorchFileName })
        {
            LoadOrThrow(Path.Combine(folders.LibTorchFolder, name));
        }

        string shim;
        try
        {
            shim = missing.Count == 0 ? folders.LibTorchSharpFile : LibTorchSharpPatch.PatchedCopy(folders.LibTorchSharpFile, missing);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LibTorchSharpPatchFailed,
                $"patching a copy of {folders.LibTorchSharpFile} failed: {e.Message}",
                inner: e);
        }
        var handle = LoadOrThrow(shim);

        // TorchSharp's [DllImport("LibTorchSharp")] must bind to the handle above, not to the shipped
        // file that the default probing would find (and fail to load) beside the assembly.
        NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) => name == LibTorchSharpImportName ? handle : IntPtr.Zero);

        return new TorchRuntimeInfo(
            missing.Count == 0 ? TorchLoadPath.Original : TorchLoadPath.PatchedCopy,
            shim, folders.LibTorchFolder, libStdCxx, missing.ToArray());
    }

    private static IReadOnlyList<string> MissingLibStdCxxVersions(string libTorchSharp, string? libStdCxx)
    {
        if (libStdCxx is null)
        {
            // Cannot inspect: load the shipped file and let the loader's own error speak.
            return [];
        }
        try
        {
            var defined = LibStdCxxProbe.DefinedVersions(libStdCxx);
            return ElfVersionTables.ReadNeeds(File.ReadAllBytes(libTorchSharp))
                .Where(n => n.Library.StartsWith("libstdc++", StringComparison.Ordinal) && !n.IsWeak && !defined.Contains(n.Version))
                .Select(n => n.Version)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw GacException.Create(
                DiagnosticCatalogue.LibTorchSharpPatchFailed,
                $"reading the symbol versions of {libTorchSharp} or {libStdCxx} failed: {e.Message}",
                inner: e);
        }
    }

    private static IntPtr LoadOrThrow(string path)
    {
        if (!File.Exists(path))
        {
            throw GacException.Create(DiagnosticCatalogue.LibTorchNotFound, $"{path} does not exist.");
        }
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            // The runtime's message carries dlerror(), e.g. "version `GLIBCXX_3.4.32' not found".
            throw GacException.Create(DiagnosticCatalogue.LibTorchLoadFailed, $"loading {path} failed: {e.Message}", inner: e);
        }
    }

    private static void InitializeTorchSharp(TorchRuntimeInfo info)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            // One real operation: a shim that loads but cannot call into libtorch fails here, not later.
            // An explicit Scalar held by `using`: an implicit one may be finalized during the native call.
            using var stop = 4.ToScalar();
            using var probe = torch.arange(stop, dtype: torch.float32);
            using var sum = probe.sum();
            if (sum.item<float>() != 6f)
            {
                throw new InvalidOperationException("libtorch computed sum(0..3) != 6");
            }
        }
        catch (Exception e) when (e is not GacException)
        {
            var cause = e is TypeInitializationException { InnerException: { } inner } ? inner.Message : e.Message;
            throw GacException.Create(
                DiagnosticCatalogue.TorchInitializationFailed,
                $"TorchSharp did not initialise (load path {info.Path}, shim {info.LibTorchSharpFile ?? "default"}): {cause}",
                inner: e);
        }
    }
}
