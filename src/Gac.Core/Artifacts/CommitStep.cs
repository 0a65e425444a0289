namespace Gac.Core.Artifacts;

/// <summary>
/// The points of an artifact commit, in order. A fault hook sees each one; tests throw or cancel
/// there to prove that no step can leave a partial file at the target or damage the earlier artifact.
/// </summary>
public enum CommitStep
{
    LockAcquired,
    DataWritten,
    DataFlushed,
    ModelWritten,
    ModelFlushed,
    JournalWritten,
    BeforeDataMove,
    BetweenDataAndModelMove,
    BeforeModelMove,
    ModelMoved,
}
