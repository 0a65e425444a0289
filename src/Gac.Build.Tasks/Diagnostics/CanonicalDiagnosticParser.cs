using System.Globalization;
using System.Text.RegularExpressions;

namespace Gac.Build.Tasks.Diagnostics;

/// <summary>
/// Reads MSBuild canonical diagnostic lines. MSBuild's own parser (Microsoft.Build.Shared.CanonicalError)
/// is internal, and <c>TaskLoggingHelper.LogMessageFromText</c> cannot rebase relative paths onto the
/// tool's working directory, so the task parses the format itself: a file origin becomes an absolute
/// path the IDE can open.
/// </summary>
internal static partial class CanonicalDiagnosticParser
{
    /// <summary>Origins that name the tool, not a file: their diagnostics carry no location.</summary>
    private static readonly HashSet<string> ToolOrigins = new(StringComparer.OrdinalIgnoreCase) { "gac-build", "gac-build.dll", "GacCompress" };

    // origin: anything up to an optional "(location)" then ':'; a Windows drive "C:" is kept inside the origin.
    // The code is required (MSBuild's own format allows none): every gac-build diagnostic has one, and requiring
    // it keeps progress text such as "step 2: fidelity error: 0.01" from turning into a build error.
    [GeneratedRegex(
        @"^\s*(?<origin>(?:[A-Za-z]:)?[^:(]*?)\s*(?:\((?<location>[0-9,\s\-]+)\))?\s*:\s*(?:(?<subcategory>[^:]*?)\s+)?" +
        @"(?<severity>error|warning|info)\s+(?<code>[A-Za-z]+[0-9]+)\s*:\s?(?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CanonicalLine();

    /// <summary>Parses one line; null when it is not a canonical diagnostic (progress text, stack traces).</summary>
    /// <param name="line">One line of the tool's stdout or stderr.</param>
    /// <param name="baseDirectory">The tool's working directory: relative file origins are resolved against it.</param>
    public static CanonicalDiagnostic? TryParse(string line, string? baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        var match = CanonicalLine().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var origin = match.Groups["origin"].Value.Trim();
        if (origin.Length == 0)
        {
            return null;
        }

        var severity = match.Groups["severity"].Value.ToLowerInvariant() switch
        {
            "error" => CanonicalSeverity.Error,
            "warning" => CanonicalSeverity.Warning,
            _ => CanonicalSeverity.Info,
        };
        var code = match.Groups["code"].Value;
        var subcategory = match.Groups["subcategory"].Success ? match.Groups["subcategory"].Value.Trim() : null;
        var message = match.Groups["message"].Value.TrimEnd();
        var (line1, column, endLine, endColumn) = ParseLocation(match.Groups["location"].Value);

        string? file = ToolOrigins.Contains(origin) ? null : Rebase(origin, baseDirectory);
        return new CanonicalDiagnostic(severity, code, message, file, line1, column, endLine, endColumn, string.IsNullOrEmpty(subcategory) ? null
            : subcategory);
    }

    /// <summary>The location forms MSBuild accepts: (line), (line-endLine), (line,col), (line,col-endCol), (line,col,endLine,endCol).</summary>
    private static (int Line, int Column, int EndLine, int EndColumn) ParseLocation(string location)
    {
        if (location.Length == 0)
        {
            return (0, 0, 0, 0);
        }

        var parts = location.Split(',', StringSplitOptions.TrimEntries);
        var (line, endLine) = ParseRange(parts[0]);
        if (parts.Length == 1)
        {
            return (line, 0, endLine, 0);
        }

        var (column, endColumn) = ParseRange(parts[1]);
        if (parts.Length >= 4)
        {
            return (line, column, ParseNumber(parts[2]), ParseNumber(parts[3]));
        }

        return (line, column, endLine, endColumn);
    }

    private static (int Start, int End) ParseRange(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? (ParseNumber(text), 0) : (ParseNumber(text[..dash]), ParseNumber(text[(dash + 1)..]));
    }

    private static int ParseNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Rebase(string origin, string? baseDirectory)
    {
        if (baseDirectory is null || Path.IsPathRooted(origin) || origin.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return origin;
        }

        return Path.GetFullPath(Path.Combine(baseDirectory, origin));
    }
}
