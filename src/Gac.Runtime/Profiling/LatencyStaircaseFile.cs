using Gac.Core.Diagnostics;
using Gac.Core.Hardware;

namespace Gac.Runtime.Profiling;

/// <summary>Saves a staircase as the JSON that <see cref="LatencyStaircase.Load"/> reads.</summary>
public static class LatencyStaircaseFile
{
    /// <summary>
    /// Writes under a temporary name in the target folder and renames it into place, so an
    /// interrupted profile never leaves a truncated file that a later plan would reject (GAC2020).
    /// Creates the folder when needed; IO failures are GAC4101.
    /// </summary>
    public static void Save(LatencyStaircase staircase, string path)
    {
        ArgumentNullException.ThrowIfNull(staircase);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var target = Path.GetFullPath(path);
        var temporary = target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(temporary, staircase.ToJson() + Environment.NewLine);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw GacException.Create(DiagnosticCatalogue.ProfileWriteFailed, $"Cannot write the latency profile '{path}': {e.Message}", new SourceLocation(path), e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; a leftover .tmp file is the lesser problem.
        }
    }
}
