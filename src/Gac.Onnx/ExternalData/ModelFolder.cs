using Gac.Core.Diagnostics;

namespace Gac.Onnx.ExternalData;

/// <summary>
/// The folder a model was loaded from, and the only place its external data may come from.
/// A model file is untrusted input: an external-data location such as "../../etc/passwd", an
/// absolute path, or a link pointing outside would let a downloaded model read arbitrary files
/// (PLATFORM-NOTES.md, ONNX external data).
/// </summary>
public sealed class ModelFolder
{
    private readonly string _modelPath;

    public ModelFolder(string modelPath)
    {
        _modelPath = modelPath;
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? Path.GetFullPath(".");
        FullPath = folder;
        RealPath = ResolveLinks(folder);
    }

    public string FullPath { get; }

    /// <summary>The folder with every link in its path resolved.</summary>
    public string RealPath { get; }

    /// <summary>
    /// The full path of an external-data file, after checking that the location stays inside the
    /// folder both as written and after following links (GAC1005 otherwise).
    /// </summary>
    public string Resolve(string location, string tensorName)
    {
        if (Path.IsPathRooted(location) || location.Contains('\0', StringComparison.Ordinal))
        {
            throw Escape(location, tensorName, "it is an absolute path");
        }

        var segments = location.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s == ".."))
        {
            throw Escape(location, tensorName, segments.Length == 0 ? "it names no file" : "it contains '..'");
        }

        var candidate = Path.GetFullPath(Path.Combine([FullPath, .. segments]));
        if (!IsInside(candidate, FullPath))
        {
            throw Escape(location, tensorName, "it resolves outside the folder");
        }

        var real = ResolveLinks(candidate);
        if (!IsInside(real, RealPath))
        {
            throw Escape(location, tensorName, $"it is a link to '{real}'");
        }

        return candidate;
    }

    private GacException Escape(string location, string tensorName, string why)
        => GacException.Create(
            DiagnosticCatalogue.ExternalDataEscapesModelFolder,
            $"Tensor '{tensorName}' stores its data at '{location}', which is rejected because {why}; external data must stay inside '{FullPath}'.",
            new SourceLocation(_modelPath));

    private static bool IsInside(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Follows links component by component, like realpath(3); parts that do not exist stay as written.</summary>
    private static string ResolveLinks(string fullPath, int depth = 0)
    {
        // Linux gives up after 40 links (SYMLOOP_MAX); a loop then simply stays unresolved and
        // fails later as a missing file.
        const int MaxLinkDepth = 40;
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        var segments = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var next = Path.Combine(current, segments[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (depth < MaxLinkDepth && info.LinkTarget is { } target)
            {
                var targetPath = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                current = ResolveLinks(targetPath, depth + 1);
            }
            else
            {
                current = next;
            }
        }

        return current;
    }
}
