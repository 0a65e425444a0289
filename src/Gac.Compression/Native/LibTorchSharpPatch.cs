using System.Security.Cryptography;

namespace Gac.Compression.Native;

/// <summary>
/// Makes a copy of libLibTorchSharp.so whose requirement on one libstdc++ symbol version is weak,
/// so that it loads on a libstdc++ that lacks that version (PLATFORM-NOTES "TorchSharp on Debian 12").
/// The original package file is never modified.
/// </summary>
internal static class LibTorchSharpPatch
{
    /// <summary>
    /// The only version that may be weakened. TorchSharp 0.107 is built with GCC 13, and the only
    /// symbol it binds to GLIBCXX_3.4.32 is _ZSt21ios_base_library_initv, which no relocation uses
    /// (checked with readelf -r / -V, PLATFORM-NOTES). Weakening any other version could leave a
    /// used symbol unresolved, so other missing versions are reported, not patched.
    /// </summary>
    public const string WeakenableVersion = "GLIBCXX_3.4.32";

    public const string CacheEnvironmentVariable = "GAC_NATIVE_CACHE";

    /// <summary>Returns the path of a patched copy in the cache, creating it on first use.</summary>
    public static string PatchedCopy(string original, IReadOnlyCollection<string> versionsToWeaken)
    {
        var image = File.ReadAllBytes(original);
        // Keyed by content so that a TorchSharp upgrade gets a fresh copy and concurrent processes share one.
        var key = Convert.ToHexStringLower(SHA256.HashData(image))[..16];
        var folder = Path.Combine(CacheRoot(), "libtorchsharp-" + key);
        var target = Path.Combine(folder, TorchNativeFolders.LibTorchSharpFileName);
        if (File.Exists(target) && IsPatched(File.ReadAllBytes(target), versionsToWeaken))
        {
            return target;
        }

        var needs = ElfVersionTables.ReadNeeds(image);
        foreach (var version in versionsToWeaken)
        {
            var entries = needs.Where(n => n.Version == version).ToArray();
            if (entries.Length != 1)
            {
                throw new InvalidDataException($"expected exactly one version-needs entry for {version}, found {entries.Length}");
            }
            ElfVersionTables.MarkWeak(image, entries[0]);
        }

        Directory.CreateDirectory(folder);
        // Write beside the target and rename: a concurrent process sees either no file or a whole one.
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temporary, image);
        File.Move(temporary, target, overwrite: true);
        return target;
    }

    private static bool IsPatched(byte[] image, IReadOnlyCollection<string> versions)
    {
        try
        {
            var needs = ElfVersionTables.ReadNeeds(image);
            return versions.All(v => needs.Any(n => n.Version == v && n.IsWeak));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static string CacheRoot()
    {
        var overridden = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return Path.GetFullPath(overridden);
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg
            : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        var preferred = Path.Combine(root, "gac-build", "native");
        try
        {
            Directory.CreateDirectory(preferred);
            return preferred;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only home (some CI sandboxes) still has a writable temp folder.
            return Path.Combine(Path.GetTempPath(), "gac-build", "native");
        }
    }
}
