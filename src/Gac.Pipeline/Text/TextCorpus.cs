using System.Text;
using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Pipeline.Text;

/// <summary>One piece of calibration.text with the line it starts on (for diagnostics).</summary>
public sealed record TextRecord(string Text, int Line);

/// <summary>
/// Reads calibration.text. A .jsonl file holds one {"text": ...} object per non-blank line; a plain
/// file is UTF-8 text. <see cref="Sentences"/> gives an encoder one record per line (plain) or per
/// object (.jsonl); <see cref="Documents"/> gives a language model its running text: the whole
/// plain file, or each object's text.
/// </summary>
public static class TextCorpus
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<TextRecord> Sentences(string path)
        => IsJsonLines(path)
            ? JsonRecords(path)
            : Lines(path).Where(l => !string.IsNullOrWhiteSpace(l.Text)).Select(l => l with { Text = l.Text.Trim() }).ToList();

    public static IReadOnlyList<TextRecord> Documents(string path)
        => IsJsonLines(path)
            ? JsonRecords(path)
            : [new TextRecord(string.Join("\n", Lines(path).Select(l => l.Text)), 1)];

    private static bool IsJsonLines(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    private static List<TextRecord> JsonRecords(string path)
    {
        var records = new List<TextRecord>();
        foreach (var line in Lines(path).Where(l => !string.IsNullOrWhiteSpace(l.Text)))
        {
            string? text;
            try
            {
                using var document = JsonDocument.Parse(line.Text);
                text = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("text", out var value)
                    && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
            }
            catch (JsonException e)
            {
                throw Malformed(path, line.Line, $"is not JSON ({e.Message})");
            }

            records.Add(new TextRecord(text ?? throw Malformed(path, line.Line, "is not a JSON object with a string field \"text\""), line.Line));
        }

        return records;
    }

    /// <summary>Lines decoded one at a time, so invalid UTF-8 is reported with its line; a CR before LF is dropped.</summary>
    private static List<TextRecord> Lines(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.TextFileMalformed, $"calibration.text '{path}' cannot be read: {e.Message}", new SourceLocation(path),
                e);
        }

        var span = bytes.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            span = span[Encoding.UTF8.Preamble.Length..];
        }

        var lines = new List<TextRecord>();
        var number = 1;
        while (true)
        {
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..end];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            try
            {
                lines.Add(new TextRecord(StrictUtf8.GetString(line), number));
            }
            catch (DecoderFallbackException)
            {
                throw Malformed(path, number, "is not valid UTF-8");
            }

            if (end < 0)
            {
                return lines;
            }

            span = span[(end + 1)..];
            number++;
        }
    }

    private static GacException Malformed(string path, int line, string what)
        => GacException.Create(DiagnosticCatalogue.TextFileMalformed, $"Line {line} of calibration.text '{path}' {what}.", new SourceLocation(path, line));
}
