using System.Text;
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
        var json = Encoding.UTF8.GetBytes(staircase.ToJson() + Environment.NewLine);
        AtomicFile.Write(
            Path.GetFullPath(path),
            stream => stream.Write(json),
            flushToDisk: false,
            DiagnosticCatalogue.ProfileWriteFailed,
            $"the latency profile '{path}'",
            createFolder: true);
    }
}
