using System.Text.Json;

namespace Gac.Core.Artifacts;

/// <summary>
/// The intent of a two-file commit, fsynced before the first rename. The model rename is the
/// commit point: while the model's temp file still exists the commit did not happen, and recovery
/// puts the earlier data file back. A journal that cannot be parsed was cut off while being written,
/// which is before any rename, so it is simply discarded.
/// </summary>
internal sealed record CommitJournal(string ModelTemp, string DataPath, string DataBackup, bool HadPreviousData)
{
    public static string PathFor(string modelPath) => modelPath + ".gac-journal";

    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, this);
        stream.Flush(flushToDisk: true);
    }

    public static CommitJournal? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CommitJournal>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
