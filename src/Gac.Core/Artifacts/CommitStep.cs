namespace Gac.Core.Artifacts;

/// <summary>
/// The points of an artifact commit, in order. A fault hook sees each one; tests throw or cancel
/// there to prove that no step before <see cref="Committed"/> can leave a partial file at a target
/// or damage the earlier artifact and its reports.
/// </summary>
public enum CommitStep
{
    LockAcquired,
    DataWritten,
    DataFlushed,
    ReportsWritten,
    ModelWritten,
    ModelFlushed,
    JournalWritten,
    BeforeDataMove,
    BetweenDataAndModelMove,
    ReportsMoved,
    BeforeModelMove,

    /// <summary>Every file is at its target; the published model is verified next, and still rolled back on failure.</summary>
    ModelMoved,
    Verified,

    /// <summary>The journal is gone: the new artifact and its reports are final. Failures here do not undo anything.</summary>
    Committed,
}
