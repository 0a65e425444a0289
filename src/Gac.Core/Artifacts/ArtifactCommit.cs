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
/// Puts an accepted artifact into place so that readers only ever see the earlier artifact or the
/// complete new one. Protocol: take the output lock; recover what a crashed run left; write each file
/// to <c>&lt;target&gt;.gac-tmp-*</c> beside its target and fsync it; journal the intent; rename the
/// earlier data file to a backup, rename the new data file in, rename the model in (the commit
/// point, atomic by rename(2)); drop the backup and journal. Any failure before the commit point
/// restores the earlier files and removes every temp file.
/// </summary>
public sealed class ArtifactCommit
{
    private const string TempMarker = ".gac-tmp-";
    private const string BackupSuffix = ".gac-prev";
    private readonly TimeSpan lockTimeout;
    private readonly Action<CommitStep>? onStep;

    /// <param name="lockTimeout">How long to wait for a concurrent run on the same output (default 30 s).</param>
    /// <param name="onStep">Fault-injection hook called at every <see cref="CommitStep"/>; tests throw from it.</param>
    public ArtifactCommit(TimeSpan? lockTimeout = null, Action<CommitStep>? onStep = null)
    {
        this.lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        this.onStep = onStep;
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

        using var held = await ArtifactLock.AcquireAsync(modelPath, lockTimeout, cancellationToken).ConfigureAwait(false);
        Step(CommitStep.LockAcquired, cancellationToken);
        Recover(modelPath, dataPath);

        var suffix = $"{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";
        var modelTemp = modelPath + suffix;
        var dataTemp = dataPath is null ? null : dataPath + suffix;
        var journalPath = CommitJournal.PathFor(modelPath);
        CommitJournal? journal = null;
        var dataMoved = false;
        try
        {
            if (dataTemp is not null)
            {
                await WriteDurablyAsync(dataTemp, content.WriteData ?? throw new ArgumentException("DataPath given without WriteData.", nameof(content)), CommitStep.DataWritten, CommitStep.DataFlushed, cancellationToken).ConfigureAwait(false);
            }

            await WriteDurablyAsync(modelTemp, content.WriteModel, CommitStep.ModelWritten, CommitStep.ModelFlushed, cancellationToken).ConfigureAwait(false);

            if (dataPath is not null && dataTemp is not null)
            {
                journal = new CommitJournal(modelTemp, dataPath, dataPath + BackupSuffix, File.Exists(dataPath));
                journal.Write(journalPath);
                Step(CommitStep.JournalWritten, cancellationToken);
                Step(CommitStep.BeforeDataMove, cancellationToken);
                if (journal.HadPreviousData)
                {
                    File.Move(dataPath, journal.DataBackup, overwrite: true);
                }

                dataMoved = true;
                File.Move(dataTemp, dataPath, overwrite: true);
                Step(CommitStep.BetweenDataAndModelMove, cancellationToken);
            }

            Step(CommitStep.BeforeModelMove, cancellationToken);
            File.Move(modelTemp, modelPath, overwrite: true);
        }
        catch (Exception failure)
        {
            RollBack(journal, dataMoved, dataPath, failure);
            DeleteQuietly(modelTemp);
            DeleteQuietly(dataTemp);
            DeleteQuietly(journalPath);
            if (failure is IOException or UnauthorizedAccessException)
            {
                throw GacException.Create(DiagnosticCatalogue.ArtifactWriteFailed, $"Could not write '{modelPath}': {failure.Message}. The earlier artifact is unchanged.", new SourceLocation(modelPath), failure);
            }

            throw;
        }

        // Past the commit point: the new artifact is in place; what follows is tidying up.
        if (journal is not null)
        {
            DeleteQuietly(journal.DataBackup);
            DeleteQuietly(journalPath);
        }

        Step(CommitStep.ModelMoved, CancellationToken.None);
    }

    /// <summary>
    /// Finishes or undoes what a killed run left beside <paramref name="modelPath"/>: restores the
    /// earlier data file when the model was never moved, and deletes stale temp files. Call it under
    /// the output lock (<see cref="CommitAsync"/> does); it is public for tools that inspect outputs.
    /// </summary>
    public static void Recover(string modelPath, string? dataPath)
    {
        var journalPath = CommitJournal.PathFor(modelPath);
        if (CommitJournal.TryRead(journalPath) is { } journal)
        {
            var committed = !File.Exists(journal.ModelTemp);
            if (!committed)
            {
                RestoreData(journal);
            }

            DeleteQuietly(journal.DataBackup);
        }

        DeleteQuietly(journalPath);
        DeleteStaleTemps(modelPath);
        if (dataPath is not null)
        {
            DeleteStaleTemps(dataPath);
        }
    }

    private static void RestoreData(CommitJournal journal)
    {
        if (File.Exists(journal.DataBackup))
        {
            File.Move(journal.DataBackup, journal.DataPath, overwrite: true);
        }
        else if (!journal.HadPreviousData)
        {
            // The data file at the target belongs to the commit that never happened.
            DeleteQuietly(journal.DataPath);
        }

        // HadPreviousData without a backup: the crash came before the backup rename, so the data
        // file at the target is still the earlier one.
    }

    private static void RollBack(CommitJournal? journal, bool dataMoved, string? dataPath, Exception failure)
    {
        if (journal is null || !dataMoved || dataPath is null)
        {
            return;
        }

        try
        {
            RestoreData(journal);
        }
        catch (Exception restore) when (restore is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ArtifactRestoreFailed, $"Commit failed ({failure.Message}) and the earlier data file could not be restored from '{journal.DataBackup}': {restore.Message}", new SourceLocation(dataPath), restore);
        }
    }

    private async Task WriteDurablyAsync(string path, ArtifactWriter write, CommitStep written, CommitStep flushed, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await write(stream, cancellationToken).ConfigureAwait(false);
        Step(written, cancellationToken);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        // fsync, so a power loss after the rename cannot leave a renamed but empty file.
        stream.Flush(flushToDisk: true);
        Step(flushed, cancellationToken);
    }

    private void Step(CommitStep step, CancellationToken cancellationToken)
    {
        // Hook first, then the token: every step, the last one before the commit point included, is a cancellation point.
        onStep?.Invoke(step);
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
}
