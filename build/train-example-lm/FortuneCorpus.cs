using System.Text;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Fortune cookie files (fortune(6) format: entries separated by lines holding only "%"), split into
/// a training and a held-out byte stream. The last <see cref="HeldOutFraction"/> of each file's
/// entries is held out, so every file is represented on both sides and the split needs no randomness.
/// Entries are joined with a blank line; the "%" separators never reach the model.
/// </summary>
public sealed record FortuneCorpus(byte[] Train, byte[] HeldOut, int TrainEntries, int HeldOutEntries, IReadOnlyList<string> Files)
{
    public const double HeldOutFraction = 0.1;

    public static FortuneCorpus Load(IReadOnlyList<string> files)
    {
        var train = new MemoryStream();
        var heldOut = new MemoryStream();
        var (trainEntries, heldOutEntries) = (0, 0);
        foreach (var file in files)
        {
            var entries = Entries(File.ReadAllBytes(file));
            var split = (int)Math.Floor(entries.Count * (1 - HeldOutFraction));
            for (var i = 0; i < entries.Count; i++)
            {
                var target = i < split ? train : heldOut;
                target.Write(entries[i]);
                target.WriteByte((byte)'\n');
            }
            trainEntries += split;
            heldOutEntries += entries.Count - split;
        }
        return new FortuneCorpus(train.ToArray(), heldOut.ToArray(), trainEntries, heldOutEntries, files);
    }

    /// <summary>Each entry's bytes with its trailing newline, separator lines removed, empty entries dropped.</summary>
    public static IReadOnlyList<byte[]> Entries(byte[] file)
    {
        var entries = new List<byte[]>();
        var current = new MemoryStream();
        var start = 0;
        while (start < file.Length)
        {
            var end = Array.IndexOf(file, (byte)'\n', start);
            var next = end < 0 ? file.Length : end + 1;
            var line = file.AsSpan(start, (end < 0 ? file.Length : end) - start);
            if (line.SequenceEqual("%"u8))
            {
                Flush(current, entries);
            }
            else
            {
                current.Write(line);
                current.WriteByte((byte)'\n');
            }
            start = next;
        }
        Flush(current, entries);
        return entries;
    }

    private static void Flush(MemoryStream current, List<byte[]> entries)
    {
        var bytes = current.ToArray();
        if (bytes.Any(b => !char.IsWhiteSpace((char)b)))
        {
            entries.Add(bytes);
        }
        current.SetLength(0);
    }

    public override string ToString() =>
        $"{Files.Count} files, {TrainEntries} + {HeldOutEntries} entries, {Train.Length} train / {HeldOut.Length} held-out bytes " +
            $"({Encoding.ASCII.GetString(Train.AsSpan(0, Math.Min(40, Train.Length))).ReplaceLineEndings(" ")}...)";
}
