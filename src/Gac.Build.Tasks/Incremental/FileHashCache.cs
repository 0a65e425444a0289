using System.Globalization;
using System.Security.Cryptography;

namespace Gac.Build.Tasks.Incremental;

/// <summary>
/// SHA-256 of files, remembered across builds by (full path, length, last-write time). A model can be
/// gigabytes, so a second build must not re-read it; a file whose timestamp changed is re-hashed, and
/// when its content did not change the hash (and so the stamp) is the same and the work is still skipped:
/// content decides, the timestamp only decides whether to look again.
/// </summary>
internal sealed class FileHashCache
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private bool _changed;

    private FileHashCache()
    {
    }

    /// <summary>How many files were actually read (hashed) rather than served from the cache.</summary>
    public int FilesHashed { get; private set; }

    /// <summary>Loads the cache file; a missing or unreadable one starts empty (the cache is only an optimisation).</summary>
    public static FileHashCache Load(string path)
    {
        var cache = new FileHashCache();
        if (!File.Exists(path))
        {
            return cache;
        }

        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split('\t');
                if (parts.Length == 4
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    cache._entries[parts[3]] = new Entry(parts[0], length, ticks);
                }
            }
        }
        catch (IOException)
        {
            cache._entries.Clear();
        }

        return cache;
    }

    /// <summary>The lowercase hex SHA-256 of the file's content.</summary>
    public string HashOf(string fullPath)
    {
        var info = new FileInfo(fullPath);
        var ticks = info.LastWriteTimeUtc.Ticks;
        if (_entries.TryGetValue(fullPath, out var entry) && entry.Length == info.Length && entry.LastWriteTicks == ticks)
        {
            return entry.Sha256;
        }

        string hash;
        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        FilesHashed++;
        _entries[fullPath] = new Entry(hash, info.Length, ticks);
        _changed = true;
        return hash;
    }

    public void Save(string path)
    {
        if (!_changed)
        {
            return;
        }

        var lines = _entries
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Value.Sha256}\t{e.Value.Length}\t{e.Value.LastWriteTicks}\t{e.Key}"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllLines(path, lines);
            _changed = false;
        }
        catch (IOException)
        {
            // Another build (a parallel inner build of a multi-targeting project) holds the file: the cache is
            // only an optimisation, so the next build simply hashes again.
        }
    }

    private sealed record Entry(string Sha256, long Length, long LastWriteTicks);
}
