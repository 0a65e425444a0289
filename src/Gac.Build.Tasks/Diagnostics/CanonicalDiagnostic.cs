namespace Gac.Build.Tasks.Diagnostics;

/// <summary>The severity words of MSBuild's canonical message format.</summary>
internal enum CanonicalSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// One line of tool output in MSBuild's canonical form,
/// <c>origin(line,col): [subcategory ]error|warning|info CODE: message</c>.
/// <see cref="File"/> is null when the origin names a tool rather than a file (e.g. <c>gac-build: error ...</c>);
/// line and column are 0 when absent.
/// </summary>
internal sealed record CanonicalDiagnostic(
    CanonicalSeverity Severity,
    string Code,
    string Message,
    string? File = null,
    int Line = 0,
    int Column = 0,
    int EndLine = 0,
    int EndColumn = 0,
    string? Subcategory = null);
