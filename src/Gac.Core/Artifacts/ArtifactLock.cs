using System.Diagnostics;
using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Artifacts;

/// <summary>
/// Serializes runs that write one output: an exclusive open of <c>&lt;target&gt;.lock</c>
/// (FileShare.None, which .NET maps to flock(LOCK_EX) on Unix, so the OS releases it when the holder
/// dies). The holder deletes the lock file before releasing it, so a finished run leaves nothing
/// beside the artifact. Deleting a lock file is only safe with an identity check on acquisition: a
/// waiter may have opened the file just before it was unlinked and then lock an orphaned inode. So
/// after locking, the holder stamps its open file with a random modification time (through the
/// handle) and compares it with the time <c>stat</c> reports for the path; a mismatch means the path
/// now names another file, and it tries again. The holder's PID goes into a separate
/// <c>.lock.owner</c> file because a flock'ed file cannot be opened by the waiter to read it.
/// </summary>
public sealed class ArtifactLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly FileStream _handle;
    private readonly string _lockPath;
    private readonly string _ownerPath;
    private readonly bool _unlinkOnRelease;

    private ArtifactLock(FileStream handle, string lockPath, string ownerPath, bool unlinkOnRelease)
    {
        _handle = handle;
        _lockPath = lockPath;
        _ownerPath = ownerPath;
        _unlinkOnRelease = unlinkOnRelease;
    }

    public static string LockPathFor(string target) => target + ".lock";

    public static async Task<ArtifactLock> AcquireAsync(string target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var lockPath = LockPathFor(target);
        var ownerPath = lockPath + ".owner";
        var deadline = Stopwatch.StartNew();
        // The artifact's folder may not exist before the first accepted run (e.g. out/).
        CreateFolder(target);
        var missingBefore = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileStream? handle = null;
            try
            {
                handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                if (StillNamedBy(handle, lockPath) is { } named)
                {
                    if (named)
                    {
                        WriteOwner(ownerPath);
                        return new ArtifactLock(handle, lockPath, ownerPath, unlinkOnRelease: true);
                    }
                }
                else
                {
                    // Another user's leftover lock file: its time cannot be stamped, so it is never unlinked either.
                    WriteOwner(ownerPath);
                    return new ArtifactLock(handle, lockPath, ownerPath, unlinkOnRelease: false);
                }

                // The previous holder unlinked the file we opened: lock whatever the path names now.
                handle.Dispose();
                missingBefore = false;
            }
            catch (IOException) when (deadline.Elapsed < timeout && (File.Exists(lockPath) || !missingBefore))
            {
                // Held by another run; or the holder unlinked it between our open and our check (once).
                handle?.Dispose();
                missingBefore = !File.Exists(lockPath);
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                handle?.Dispose();
                throw GacException.Create(
                    DiagnosticCatalogue.ArtifactLocked,
                    $"Output '{target}' is locked by another gac-build run ({ReadOwner(ownerPath)}); gave up after {timeout.TotalSeconds:0.#} s.",
                    new SourceLocation(lockPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                handle?.Dispose();
                throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Cannot create lock file '{lockPath}': {e.Message}",
                    new SourceLocation(lockPath), e);
            }
        }
    }

    public void Dispose()
    {
        // Unlink while still holding the lock (see the class comment), then release it.
        DeleteQuietly(_ownerPath);
        if (_unlinkOnRelease)
        {
            DeleteQuietly(_lockPath);
        }

        _handle.Dispose();
    }

    /// <summary>Whether <paramref name="path"/> still names the file <paramref name="handle"/> has open; null when the file's time cannot be set (not our
    /// file).</summary>
    private static bool? StillNamedBy(FileStream handle, string path)
    {
        // A random time between 1990 and 2030 to the second: coarse-timestamp file systems keep it whole.
        var stamp = new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Random.Shared.NextInt64(0, 40L * 365 * 24 * 3600));
        try
        {
            File.SetLastWriteTimeUtc(handle.SafeFileHandle, stamp);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var mine = File.GetLastWriteTimeUtc(handle.SafeFileHandle);
        return File.Exists(path) && File.GetLastWriteTimeUtc(path) == mine;
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover lock or owner file is reused and removed by the next run on this output.
        }
    }

    private static void WriteOwner(string ownerPath)
    {
        try
        {
            File.WriteAllText(ownerPath, string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} on {Environment.MachineName} since " +
                $"{DateTimeOffset.UtcNow:O}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the waiter's message gets poorer; the lock itself is held.
        }
    }

    private static string ReadOwner(string ownerPath)
    {
        try
        {
            return File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "holder unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "holder unknown";
        }
    }

    private static void CreateFolder(string target)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Cannot create the folder of '{target}': {e.Message}",
                new SourceLocation(target), e);
        }
    }
}
