using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Compression.Checkpoints;

/// <summary>
/// The line and column of a top-level field in config.json, so a diagnostic about its value points
/// at it (MSBuild and editors jump to <c>file(line,col)</c>). Falls back to the file alone.
/// </summary>
internal static class ConfigFieldLocator
{
    public static SourceLocation Find(string configPath, string field)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(configPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SourceLocation(configPath);
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(field))
                {
                    return At(configPath, bytes, (int)reader.TokenStartIndex);
                }
            }
        }
        catch (JsonException)
        {
            // The config was parsed successfully before; a failure here only costs the line number.
        }

        return new SourceLocation(configPath);
    }

    private static SourceLocation At(string path, byte[] bytes, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(path, line, offset - lineStart + 1);
    }
}
