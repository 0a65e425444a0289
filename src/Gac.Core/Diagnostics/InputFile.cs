using System.Text.Json;

namespace Gac.Core.Diagnostics;

/// <summary>
/// Reading a user's file whole, with the two ways it goes wrong turned into diagnostics at the
/// file: the file system refuses (I/O, permissions, a malformed path) and, for JSON, the text does not parse.
/// </summary>
public static class InputFile
{
    /// <param name="what">How the message names the file, e.g. "report 'a.json'" → "Cannot read report 'a.json': …".</param>
    public static string ReadAllText(string path, DiagnosticDescriptor descriptor, string what)
        => Read(path, descriptor, what, File.ReadAllText);

    /// <inheritdoc cref="ReadAllText"/>
    public static byte[] ReadAllBytes(string path, DiagnosticDescriptor descriptor, string what, SourceLocation? location = null)
        => Read(path, descriptor, what, File.ReadAllBytes, location);

    /// <summary>Where a <see cref="JsonException"/> points in <paramref name="file"/> (1-based), or the file alone.</summary>
    public static SourceLocation JsonErrorLocation(string file, JsonException error)
        => error.LineNumber is { } line
            ? new SourceLocation(file, (int)line + 1, (int)(error.BytePositionInLine ?? 0) + 1)
            : new SourceLocation(file);

    private static T Read<T>(string path, DiagnosticDescriptor descriptor, string what, Func<string, T> read, SourceLocation? location = null)
    {
        try
        {
            return read(path);
        }
        // ArgumentException and NotSupportedException: a path the file system cannot even form (empty, bad characters).
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw GacException.Create(descriptor, $"Cannot read {what}: {e.Message}", location ?? new SourceLocation(path), e);
        }
    }
}
