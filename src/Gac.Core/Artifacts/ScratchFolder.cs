using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Gac.Core.Artifacts;

/// <summary>
/// A run's private folder for candidate models (<c>gac-run-*</c> in the temp folder), deleted when
/// the run ends. A run killed outright (kill -9, OOM, power loss) cannot delete its own, so every
/// new run sweeps the stale ones first. Liveness is proven by a marker file inside the folder that
/// the run keeps open exclusively (flock, released by the OS when the process dies) and that holds
/// its PID: a folder is removed only when its marker can be locked and the PID in it is not a live
/// gac run of this process or a running process. A folder without a marker is from a run that is
/// creating it this instant, or from a gac-build too old to write markers (whose run may still be
/// going: a large model takes hours); it is removed only once untouched for <see cref="UnmarkedGrace"/>.
/// </summary>
public sealed class ScratchFolder : IDisposable
{
    public const string Prefix = "gac-run-";
    public const string MarkerName = ".gac-run.pid";
    public static readonly TimeSpan UnmarkedGrace = TimeSpan.FromDays(1);
    private static readonly ConcurrentDictionary<string, ScratchFolder> Live = new(StringComparer.Ordinal);
    private readonly FileStream _marker;
    private int _disposed;

    private ScratchFolder(string path, FileStream marker)
    {
        Path = path;
        _marker = marker;
    }

    public string Path { get; }

    /// <summary>Sweeps stale folders of dead runs from <paramref name="root"/> (the temp folder by default), then creates this run's.</summary>
    public static ScratchFolder Create(string? root = null)
    {
        root = System.IO.Path.GetFullPath(root ?? System.IO.Path.GetTempPath());
        SweepStale(root);
        Directory.CreateDirectory(root);
        var path = System.IO.Path.Combine(root, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var marker = new FileStream(System.IO.Path.Combine(path, MarkerName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        var text = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n");
        marker.Write(System.Text.Encoding.ASCII.GetBytes(text));
        marker.Flush();
        var folder = new ScratchFolder(path, marker);
        Live[path] = folder;
        return folder;
    }

    /// <summary>Removes the <c>gac-run-*</c> folders of runs that died; returns how many.</summary>
    public static int SweepStale(string root)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var folder in SafeEnumerate(root))
        {
            if (!Live.ContainsKey(folder) && TryClaimDead(folder) is { } claim)
            {
                using (claim)
                {
                    removed += DeleteQuietly(folder) ? 1 : 0;
                }
            }
        }

        return removed;
    }

    /// <summary>Deletes every live scratch folder of this process (a forced exit after SIGTERM; nothing else uses them after it).</summary>
    public static void DeleteAllLive()
    {
        foreach (var folder in Live.Values)
        {
            folder.Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Live.TryRemove(Path, out _);
        _marker.Dispose();
        DeleteQuietly(Path);
    }

    /// <summary>An open claim on a dead run's folder (its marker locked by us), or null when the run lives or may live.</summary>
    private static IDisposable? TryClaimDead(string folder)
    {
        var markerPath = System.IO.Path.Combine(folder, MarkerName);
        if (!File.Exists(markerPath))
        {
            return IsOlderThan(folder, UnmarkedGrace) ? Stream.Null : null;
        }

        FileStream? claim = null;
        try
        {
            claim = new FileStream(markerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            using var reader = new StreamReader(claim, leaveOpen: true);
            var live = int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsRunning(pid);
            if (live)
            {
                // Locking succeeded but the PID runs: file locking is off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) or the PID was reused; keep it.
                claim.Dispose();
                return null;
            }

            return claim;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Locked by its live owner, or not ours to touch.
            claim?.Dispose();
            return null;
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            // This process's live folders are in Live and never reach here; one with our PID is a dead namesake's.
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool IsOlderThan(string folder, TimeSpan age)
    {
        try
        {
            return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > age;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<string> SafeEnumerate(string root)
    {
        try
        {
            return Directory.GetDirectories(root, Prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's folder, or one being deleted concurrently: the next sweep tries again.
            return false;
        }
    }
}
