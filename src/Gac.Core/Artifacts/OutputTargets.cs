using Gac.Core.Diagnostics;

namespace Gac.Core.Artifacts;

/// <summary>
/// Where a run will write — the artifact, its external-data file and the report files — checked
/// against everything it reads before any work starts: no output may be, or replace, an input
/// (the model, its data files, the spec, calibration files), and the report folder must be a folder.
/// </summary>
public sealed record OutputTargets(string ArtifactPath, string ReportDirectory, IReadOnlyList<string> ReportFileNames)
{
    /// <summary>Paths compare as the file system does: case-sensitively on Linux only.</summary>
    private static readonly StringComparer PathComparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public string DataPath => ArtifactPath + ".data";

    public IEnumerable<string> ReportPaths => ReportFileNames.Select(name => Path.Combine(ReportDirectory, name));

    /// <summary>
    /// GAC5023 when an output is an input; GAC5024 when the report folder (or a folder above it, or
    /// above the artifact) is an existing file. <paramref name="artifactOrigin"/> and <paramref name="reportOrigin"/> name where the outputs came from, for the
    /// message.
    /// </summary>
    public void Check(IEnumerable<string> inputs, string artifactOrigin, string reportOrigin)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var read = new Dictionary<string, string>(PathComparer);
        foreach (var input in inputs)
        {
            read.TryAdd(Canonical(input), input);
        }

        var outputs = new List<(string Path, string What)>
        {
            (ArtifactPath, $"the artifact ({artifactOrigin})"),
            (DataPath, $"the artifact's external-data file ({artifactOrigin} + '.data')"),
        };
        outputs.AddRange(ReportPaths.Select(p => (p, $"a report ({reportOrigin})")));
        foreach (var (path, what) in outputs)
        {
            if (read.TryGetValue(Canonical(path), out var input))
            {
                throw GacException.Create(
                    DiagnosticCatalogue.OutputReplacesInput,
                    $"{Capitalised(what)} would be written to '{path}', which is an input of this run ('{input}'); it is left unchanged. Write the output " +
                        $"elsewhere.",
                    new SourceLocation(path));
            }
        }

        RequireFolder(ReportDirectory, $"The report folder '{ReportDirectory}' ({reportOrigin})");
        RequireFolder(Path.GetDirectoryName(ArtifactPath)!, $"The artifact's folder '{Path.GetDirectoryName(ArtifactPath)}' ({artifactOrigin})");
    }

    /// <summary>The path with a symbolic link in its last component resolved: writing through a link replaces its target.</summary>
    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    private static void RequireFolder(string folder, string what)
    {
        for (var current = Path.GetFullPath(folder); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (Directory.Exists(current))
            {
                return;
            }

            if (File.Exists(current))
            {
                var why = current == Path.GetFullPath(folder) ? "is an existing file" : $"lies under '{current}', which is a file";
                throw GacException.Create(DiagnosticCatalogue.OutputFolderIsFile, $"{what} {why}; nothing was computed or published. Name a folder instead.",
                    new SourceLocation(current));
            }
        }
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
