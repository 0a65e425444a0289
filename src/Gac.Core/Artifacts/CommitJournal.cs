using System.Text.Json;

namespace Gac.Core.Artifacts;

/// <summary>
/// The intent of a commit, fsynced before the first rename: for every file, the temp file that
/// replaces it, the target, where the earlier target is kept, and whether there was one. While the
/// journal exists the commit has not happened (the published model is not verified yet), and
/// recovery puts every earlier file back. Deleting the journal is the commit point. A journal that
/// cannot be parsed was cut off while being written, which is before any rename, so it is discarded.
/// </summary>
internal sealed record CommitJournal(IReadOnlyList<JournalEntry> Entries)
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
            return File.Exists(path) && JsonSerializer.Deserialize<CommitJournal>(File.ReadAllText(path)) is { Entries: not null } journal ? journal : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <param name="Temp">The new file, written and fsynced beside <paramref name="Target"/>; gone once renamed into place.</param>
/// <param name="Backup">The earlier target (a hard link made by File.Replace) until the commit point.</param>
internal sealed record JournalEntry(string Temp, string Target, string Backup, bool HadPrevious);
