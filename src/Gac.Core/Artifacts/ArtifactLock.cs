using System.Diagnostics;
using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Artifacts;

/// <summary>
/// Serializes runs that write one output: an exclusive open of <c>&lt;target&gt;.lock</c>
/// (FileShare.None, which .NET maps to flock(LOCK_EX) on Unix, so the OS releases it when the holder
/// dies). The lock file itself is never deleted: unlinking a lock file while another process has it
/// open lets two processes believe they hold the lock. The holder's PID goes into a separate
/// <c>.lock.owner</c> file because a flock'ed file cannot be opened by the waiter to read it.
/// </summary>
public sealed class ArtifactLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly FileStream handle;
    private readonly string ownerPath;

    private ArtifactLock(FileStream handle, string ownerPath)
    {
        this.handle = handle;
        this.ownerPath = ownerPath;
    }

    public static string LockPathFor(string target) => target + ".lock";

    public static async Task<ArtifactLock> AcquireAsync(string target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var lockPath = LockPathFor(target);
        var ownerPath = lockPath + ".owner";
        var deadline = Stopwatch.StartNew();
        // The artifact's folder may not exist before the first accepted run (e.g. out/).
        CreateFolder(target);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                WriteOwner(ownerPath);
                return new ArtifactLock(handle, ownerPath);
            }
            catch (IOException) when (File.Exists(lockPath) && deadline.Elapsed < timeout)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ArtifactLocked,
                    $"Output '{target}' is locked by another gac-build run ({ReadOwner(ownerPath)}); gave up after {timeout.TotalSeconds:0.#} s.",
                    new SourceLocation(lockPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Cannot create lock file '{lockPath}': {e.Message}", new SourceLocation(lockPath), e);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(ownerPath);
        }
        catch (IOException)
        {
            // The owner file is informational; a leftover one is overwritten by the next holder.
        }

        handle.Dispose();
    }

    private static void WriteOwner(string ownerPath)
    {
        try
        {
            File.WriteAllText(ownerPath, string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}"));
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
            throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Cannot create the folder of '{target}': {e.Message}", new SourceLocation(target), e);
        }
    }
}
