using Gac.Core.Diagnostics;
using Gac.Core.Gate;

namespace Gac.Core.Artifacts;

public enum CommitOutcome
{
    /// <summary>The candidate is now at the target.</summary>
    Committed,
    /// <summary>The gate rejected the candidate; nothing was written and any earlier artifact is untouched.</summary>
    SkippedRejected,
}

/// <summary>
/// Puts an accepted artifact and its reports into place so that, once any interrupted commit is
/// recovered, readers find the earlier artifact with its reports or the new one with its reports.
/// Protocol: take the output lock; recover what a crashed run left; write each file to
/// <c>&lt;target&gt;.gac-tmp-*</c> beside its target and fsync it; journal the intent; move the data
/// file, the reports, then the model into place, each with File.Replace (the earlier file is kept as
/// a hard-linked <c>.gac-prev</c> backup and the target never goes missing); verify the published
/// model from its final path; delete the journal (the commit point); drop the backups. Any failure,
/// cancellation or kill before the commit point puts every earlier file back (recovery does it for
/// a killed run) and removes every temp file.
/// </summary>
public sealed class ArtifactCommit
{
    internal const string TempMarker = ".gac-tmp-";
    internal const string BackupSuffix = ".gac-prev";
    private readonly TimeSpan _lockTimeout;
    private readonly Action<CommitStep>? _onStep;

    /// <param name="lockTimeout">How long to wait for a concurrent run on the same output (default 30 s).</param>
    /// <param name="onStep">Fault-injection hook called at every <see cref="CommitStep"/>; tests throw from it.</param>
    public ArtifactCommit(TimeSpan? lockTimeout = null, Action<CommitStep>? onStep = null)
    {
        _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        _onStep = onStep;
    }

    /// <summary>Writes <paramref name="content"/> only when <paramref name="verdict"/> accepted it.</summary>
    public async Task<CommitOutcome> CommitIfAcceptedAsync(ArtifactContent content, Verdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!verdict.Accepted)
        {
            return CommitOutcome.SkippedRejected;
        }

        await CommitAsync(content, cancellationToken).ConfigureAwait(false);
        return CommitOutcome.Committed;
    }

    /// <summary>Unconditionally commits <paramref name="content"/>; the gate decision is the caller's.</summary>
    public async Task CommitAsync(ArtifactContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var modelPath = Path.GetFullPath(content.ModelPath);
        var dataPath = content.DataPath is null ? null : Path.GetFullPath(content.DataPath);
        if (dataPath is not null && Path.GetDirectoryName(dataPath) != Path.GetDirectoryName(modelPath))
        {
            throw new ArgumentException("The external-data file must be in the model's folder.", nameof(content));
        }

        var files = new List<PlannedFile>();
        if (dataPath is not null)
        {
            files.Add(new PlannedFile(dataPath, content.WriteData ?? throw new ArgumentException("DataPath given without WriteData.", nameof(content)),
                FileRole.Data));
        }
        else if (File.Exists(modelPath + ".data"))
        {
            // The earlier artifact's external data: the new model is one file, so it goes with the earlier model (and comes back with it).
            files.Add(new PlannedFile(modelPath + ".data", Write: null, FileRole.Data));
        }

        files.AddRange(Companions(content.Companions));
        files.Add(new PlannedFile(modelPath, content.WriteModel, FileRole.Model));
        await CommitFilesAsync(modelPath, files, content.Verify, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits files that describe <paramref name="artifactPath"/> without replacing it (a rejected
    /// run's reports), under the artifact's lock and with the same all-or-nothing protocol.
    /// </summary>
    public Task CommitCompanionsAsync(string artifactPath, IReadOnlyList<CompanionFile> companions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(companions);
        return CommitFilesAsync(Path.GetFullPath(artifactPath), Companions(companions).ToList(), verify: null, cancellationToken);
    }

    /// <summary>
    /// Finishes or undoes what a killed run left beside <paramref name="modelPath"/>: puts every
    /// earlier file back when the commit point was not reached, and deletes stale temp and backup
    /// files. Call it under the output lock (<see cref="CommitAsync"/> does); it is public for tools
    /// that inspect outputs.
    /// </summary>
    public static void Recover(string modelPath, string? dataPath, IEnumerable<string>? otherTargets = null)
    {
        modelPath = Path.GetFullPath(modelPath);
        var targets = new List<string> { modelPath };
        if (dataPath is not null)
        {
            targets.Add(Path.GetFullPath(dataPath));
        }

        targets.AddRange((otherTargets ?? []).Select(t => Path.GetFullPath(t)));
        var journalPath = CommitJournal.PathFor(modelPath);
        if (CommitJournal.TryRead(journalPath) is { } journal)
        {
            // Only entries that name their temp and backup after their target, and whose target is one
            // this output owns, are replayed: a journal is a file anyone with write access could edit.
            var folder = Path.GetDirectoryName(modelPath);
            var trusted = journal.Entries.Where(e => IsWellFormed(e) && (targets.Contains(e.Target) || Path.GetDirectoryName(e.Target) == folder));
            foreach (var entry in trusted.Reverse())
            {
                Undo(entry, moved: !File.Exists(entry.Temp));
                DeleteQuietly(entry.Temp);
            }
        }

        DeleteQuietly(journalPath);
        foreach (var target in targets)
        {
            DeleteStaleTemps(target);
            DeleteQuietly(target + BackupSuffix);
        }
    }

    private async Task CommitFilesAsync(string modelPath, List<PlannedFile> files, ArtifactVerifier? verify, CancellationToken cancellationToken)
    {
        using var held = await ArtifactLock.AcquireAsync(modelPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        Step(CommitStep.LockAcquired, cancellationToken);
        Recover(modelPath, null, files.Select(f => f.Target));
        CreateFolders(files.Select(f => f.Target));

        var suffix = $"{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";
        var entries = files.Select(f => new JournalEntry(f.Target + suffix, f.Target, f.Target + BackupSuffix, File.Exists(f.Target))).ToList();
        var journalPath = CommitJournal.PathFor(modelPath);
        var moved = new List<JournalEntry>();
        try
        {
            // Data first, reports next, model last: written in that order, moved in that order.
            foreach (var role in Roles)
            {
                var batch = Enumerable.Range(0, files.Count).Where(i => files[i].Role == role).ToList();
                foreach (var i in batch.Where(i => files[i].Write is not null))
                {
                    await WriteDurablyAsync(entries[i].Temp, files[i], cancellationToken).ConfigureAwait(false);
                }

                if (role == FileRole.Report && batch.Count > 0)
                {
                    Step(CommitStep.ReportsWritten, cancellationToken);
                }
            }

            new CommitJournal(entries).Write(journalPath);
            Step(CommitStep.JournalWritten, cancellationToken);
            foreach (var role in Roles)
            {
                var batch = Enumerable.Range(0, files.Count).Where(i => files[i].Role == role).ToList();
                if (batch.Count == 0)
                {
                    continue;
                }

                if (role != FileRole.Report)
                {
                    Step(role == FileRole.Data ? CommitStep.BeforeDataMove : CommitStep.BeforeModelMove, cancellationToken);
                }

                foreach (var i in batch)
                {
                    MoveIntoPlace(entries[i], remove: files[i].Write is null);
                    moved.Add(entries[i]);
                }

                Step(role switch
                {
                    FileRole.Data => CommitStep.BetweenDataAndModelMove,
                    FileRole.Report => CommitStep.ReportsMoved,
                    _ => CommitStep.ModelMoved,
                }, cancellationToken);
            }

            if (verify is not null)
            {
                await verify(modelPath, cancellationToken).ConfigureAwait(false);
                Step(CommitStep.Verified, cancellationToken);
            }

            File.Delete(journalPath);
        }
        catch (Exception failure)
        {
            RollBack(moved, failure);
            foreach (var entry in entries)
            {
                DeleteQuietly(entry.Temp);
            }

            DeleteQuietly(journalPath);
            if (failure is IOException or UnauthorizedAccessException)
            {
                throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Could not write '{modelPath}': {failure.Message}. The earlier artifact " +
                    $"and reports are unchanged.", new SourceLocation(modelPath), failure);
            }

            throw;
        }

        // Past the commit point: the new files are final; what follows is tidying up.
        foreach (var entry in entries)
        {
            DeleteQuietly(entry.Backup);
        }

        Step(CommitStep.Committed, CancellationToken.None);
    }

    private static readonly FileRole[] Roles = [FileRole.Data, FileRole.Report, FileRole.Model];

    private enum FileRole
    {
        Data,
        Report,
        Model,
    }

    /// <summary>The report folder may not exist before the first run (the artifact's is made by the lock).</summary>
    private static void CreateFolders(IEnumerable<string> targets)
    {
        foreach (var folder in targets.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal))
        {
            try
            {
                Directory.CreateDirectory(folder!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot create the folder '{folder}': {e.Message}. Nothing was published.",
                    new SourceLocation(folder!), e);
            }
        }
    }

    private static IEnumerable<PlannedFile> Companions(IEnumerable<CompanionFile> companions)
        => companions.Select(c => new PlannedFile(Path.GetFullPath(c.Path), c.Write, FileRole.Report));

    /// <summary>
    /// Replaces the target keeping the earlier file as a hard-linked backup, so the target never goes
    /// missing; or, for a file the new artifact no longer has, moves it to the backup (its temp never exists, so recovery counts it as moved).
    /// </summary>
    private static void MoveIntoPlace(JournalEntry entry, bool remove)
    {
        if (remove)
        {
            File.Move(entry.Target, entry.Backup, overwrite: true);
        }
        else if (entry.HadPrevious)
        {
            File.Replace(entry.Temp, entry.Target, entry.Backup, ignoreMetadataErrors: true);
        }
        else
        {
            File.Move(entry.Temp, entry.Target, overwrite: true);
        }
    }

    /// <summary>Puts the earlier file back (or removes a new one that had no predecessor).</summary>
    private static void Undo(JournalEntry entry, bool moved)
    {
        if (entry.HadPrevious)
        {
            // Not moved yet, a backup may still exist (File.Replace links it before renaming): it is the target's own bytes.
            if (File.Exists(entry.Backup))
            {
                File.Move(entry.Backup, entry.Target, overwrite: true);
            }
        }
        else if (moved)
        {
            File.Delete(entry.Target);
        }
    }

    private static void RollBack(List<JournalEntry> moved, Exception failure)
    {
        foreach (var entry in Enumerable.Reverse(moved))
        {
            try
            {
                Undo(entry, moved: true);
            }
            catch (Exception restore) when (restore is IOException or UnauthorizedAccessException)
            {
                throw GacException.Create(DiagnosticCatalogue.ArtifactRestoreFailed, $"Commit failed ({failure.Message}) and the earlier '{entry.Target}' " +
                    $"could not be restored from '{entry.Backup}': {restore.Message}", new SourceLocation(entry.Target), restore);
            }
        }
    }

    private static bool IsWellFormed(JournalEntry entry)
        => entry.Target is { Length: > 0 } target && Path.IsPathFullyQualified(target)
           && entry.Temp is { } temp && temp.StartsWith(target + TempMarker, StringComparison.Ordinal)
           && entry.Backup == target + BackupSuffix;

    private async Task WriteDurablyAsync(string path, PlannedFile file, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await file.Write!(stream, cancellationToken).ConfigureAwait(false);
        StepFor(file.Role, CommitStep.DataWritten, CommitStep.ModelWritten, cancellationToken);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        // fsync, so a power loss after the rename cannot leave a renamed but empty file.
        stream.Flush(flushToDisk: true);
        StepFor(file.Role, CommitStep.DataFlushed, CommitStep.ModelFlushed, cancellationToken);
    }

    /// <summary>Reports have one written step for all of them, reported by the caller.</summary>
    private void StepFor(FileRole role, CommitStep data, CommitStep model, CancellationToken cancellationToken)
    {
        if (role == FileRole.Report)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        else
        {
            Step(role == FileRole.Data ? data : model, cancellationToken);
        }
    }

    private void Step(CommitStep step, CancellationToken cancellationToken)
    {
        // Hook first, then the token: every step, the last one before the commit point included, is a cancellation point.
        _onStep?.Invoke(step);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void DeleteStaleTemps(string target)
    {
        var folder = Path.GetDirectoryName(target);
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        // Under the lock no other run writes here, so every temp file is a crashed run's leftover.
        foreach (var stale in Directory.EnumerateFiles(folder, Path.GetFileName(target) + TempMarker + "*"))
        {
            DeleteQuietly(stale);
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp file is removed by the next run's recovery.
        }
    }

    /// <param name="Write">Null for a target the new artifact removes (the earlier artifact's data file).</param>
    private sealed record PlannedFile(string Target, ArtifactWriter? Write, FileRole Role);
}
