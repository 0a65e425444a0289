using System.Runtime.InteropServices;

namespace Gac.Compression.Native;

/// <summary>Finds the libstdc++.so.6 this process binds to and the symbol versions it defines.</summary>
internal static class LibStdCxxProbe
{
    private const string SonameFragment = "/libstdc++.so.6";

    /// <summary>
    /// The file behind the process's mapping of libstdc++ (the .NET runtime itself links it, so it is
    /// normally mapped already). Null when it cannot be found, e.g. outside Linux.
    /// </summary>
    public static string? LoadedFile()
    {
        var mapped = FromProcessMaps();
        if (mapped is not null)
        {
            return mapped;
        }
        // Not mapped yet: let the dynamic loader pick the same file it would pick for libtorch.
        return NativeLibrary.TryLoad("libstdc++.so.6", out _) ? FromProcessMaps() : null;
    }

    public static IReadOnlySet<string> DefinedVersions(string file) => ElfVersionTables.ReadDefinitions(File.ReadAllBytes(file));

    private static string? FromProcessMaps()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.Contains(SonameFragment, StringComparison.Ordinal))
            {
                return line[slash..].Trim();
            }
        }
        return null;
    }
}
