using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Natives;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// Lets a user run a GPU build of ONNX Runtime without changing package references: the native
/// library is loaded from a folder they name (spec field or GAC_ORT_NATIVE_PATH) instead of the CPU
/// package's runtimes/ folder. Must run before any other ONNX Runtime call in the process, because
/// ORT registers its own resolver in the static constructor of its NativeMethods class, and .NET
/// allows one resolver per assembly (PLATFORM-NOTES.md, "ONNX Runtime").
/// </summary>
public static class OrtNativeLibrary
{
    public const string EnvironmentVariable = "GAC_ORT_NATIVE_PATH";
    private static readonly Lock Gate = new();
    private static string? _configuredFolder;

    /// <summary>The folder in effect, or null when ORT loads its packaged native library.</summary>
    public static string? ConfiguredFolder
    {
        get
        {
            lock (Gate)
            {
                return _configuredFolder;
            }
        }
    }

    /// <summary>The file name ORT's P/Invokes resolve to on this OS.</summary>
    public static string NativeFileName
        => OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";

    /// <summary>
    /// Uses <paramref name="specFolder"/>, else the environment variable, else the packaged library
    /// beside the app, else (the gac-build tool package, which leaves ONNX Runtime's 318 MB of natives
    /// out) Microsoft.ML.OnnxRuntime.Gpu.Linux from the NuGet package cache, restored there on first use.
    /// Idempotent for the same folder. Throws GAC4002 for a folder without the library, GAC4003
    /// when ORT already resolved its own library in this process, GAC4060/GAC4061 when the restore fails.
    /// </summary>
    public static void Configure(string? specFolder)
    {
        var folder = string.IsNullOrWhiteSpace(specFolder) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : specFolder;
        if (string.IsNullOrWhiteSpace(folder))
        {
            if (ConfiguredFolder is not null || PackagedLibraryIsPresent())
            {
                return;
            }

            folder = NativePackageRestore.NativeFolder(NativePackage.OnnxRuntimeGpu);
        }

        var library = ResolveLibraryPath(folder);
        lock (Gate)
        {
            if (_configuredFolder is not null)
            {
                if (string.Equals(_configuredFolder, Path.GetDirectoryName(library), StringComparison.Ordinal))
                {
                    return;
                }

                throw GacException.Create(
                    DiagnosticCatalogue.NativeLibraryConfiguredTooLate,
                    $"ONNX Runtime already loads from '{_configuredFolder}'; cannot switch to '{folder}' in the same process.");
            }

            try
            {
                OrtEnv.DisableDllImportResolver = true;
                NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, (name, _, _) => Resolve(name, library));
            }
            catch (InvalidOperationException e)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.NativeLibraryConfiguredTooLate,
                    $"ONNX Runtime resolved its packaged native library before '{folder}' could be set: {e.Message}",
                    inner: e);
            }

            _configuredFolder = Path.GetDirectoryName(library);
        }
    }

    /// <summary>
    /// True when the host's native search folders (from the deps file: the app folder and its
    /// runtimes/&lt;rid&gt;/native) hold ORT's library, as in a build output or a test's bin folder.
    /// </summary>
    internal static bool PackagedLibraryIsPresent()
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory)
            .Append(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        return folders.Any(f => File.Exists(Path.Combine(f, NativeFileName)));
    }

    /// <summary>Finds the native library in <paramref name="folder"/> or throws GAC4002.</summary>
    public static string ResolveLibraryPath(string folder)
    {
        var full = Path.GetFullPath(folder);
        var library = Path.Combine(full, NativeFileName);
        if (!File.Exists(library))
        {
            throw GacException.Create(
                DiagnosticCatalogue.NativeLibraryFolderInvalid,
                Directory.Exists(full)
                    ? $"'{full}' has no {NativeFileName}; point {EnvironmentVariable} at the native folder of a GPU build of ONNX Runtime."
                    : $"ONNX Runtime native folder '{full}' does not exist ({EnvironmentVariable} or the spec's runtime native path).",
                new SourceLocation(full));
        }

        return library;
    }

    /// <summary>Maps ORT's P/Invoke library name ("onnxruntime") to the user's file; other names fall through to the default probe.</summary>
    internal static IntPtr Resolve(string libraryName, string libraryPath)
        => libraryName is "onnxruntime" or "libonnxruntime" or "libonnxruntime.so" or "onnxruntime.dll"
            ? NativeLibrary.Load(libraryPath)
            : IntPtr.Zero;
}
