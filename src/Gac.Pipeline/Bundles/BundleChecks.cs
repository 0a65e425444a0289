using Gac.Core.Diagnostics;
using Gac.Core.Reports;

namespace Gac.Pipeline.Bundles;

/// <summary>The checks <see cref="CandidateBundle.Open"/> makes before trusting a bundle.</summary>
internal static class BundleChecks
{
    /// <summary>GAC1804 unless the spec's data files are the ones (by relative path and SHA-256) the bundle recorded.</summary>
    public static void Inputs(IReadOnlyList<BundleInput> recorded, IReadOnlyList<BundleInput> now, string specPath)
    {
        var before = recorded.ToDictionary(i => i.Path, i => i.Sha256, StringComparer.Ordinal);
        var after = now.ToDictionary(i => i.Path, i => i.Sha256, StringComparer.Ordinal);
        var differences = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(path => (before.GetValueOrDefault(path), after.GetValueOrDefault(path)) switch
            {
                (null, _) => $"'{path}' is new",
                (_, null) => $"'{path}' is no longer named",
                (_, "") => $"'{path}' is missing",
                (var b, var a) when b != a => $"'{path}' has SHA-256 {a}, recorded {b}",
                _ => null,
            })
            .OfType<string>()
            .ToList();
        if (differences.Count > 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.BundleDataChanged,
                $"The data files the spec names differ from the compress stage's: {string.Join("; ", differences)}.",
                new SourceLocation(specPath));
        }
    }

    /// <summary>GAC1802 for a missing file, GAC1803 for a size or hash that differs; returns the absolute paths.</summary>
    public static IReadOnlyList<string> Files(string folder, IReadOnlyList<BundleFile> files, SourceLocation at)
    {
        var paths = new List<string>();
        foreach (var file in files)
        {
            var path = Resolve(folder, file.Path, at);
            if (!File.Exists(path))
            {
                throw GacException.Create(DiagnosticCatalogue.BundleFileMissing, $"The bundle lists '{file.Path}' but '{path}' does not exist.", at);
            }

            var bytes = new FileInfo(path).Length;
            var hash = bytes == file.Bytes ? InputHashing.Sha256OfFile(path) : null;
            if (hash != file.Sha256)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.BundleFileTampered,
                    hash is null
                        ? $"'{file.Path}' has {bytes} bytes; the manifest records {file.Bytes}."
                        : $"'{file.Path}' has SHA-256 {hash}; the manifest records {file.Sha256}.",
                    new SourceLocation(path));
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>A manifest path inside the bundle; one that climbs out of it is GAC1803.</summary>
    public static string Resolve(string folder, string relative, SourceLocation at)
    {
        var path = Path.GetFullPath(Path.Combine(folder, relative));
        if (Path.IsPathRooted(relative) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw GacException.Create(DiagnosticCatalogue.BundleFileTampered, $"The manifest names '{relative}', which is outside the bundle.", at);
        }

        return path;
    }
}
