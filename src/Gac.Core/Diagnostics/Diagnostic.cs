using System.Globalization;

namespace Gac.Core.Diagnostics;

/// <summary>A place in a user's file; line and column are 1-based, 0 when unknown.</summary>
public sealed record SourceLocation(string File, int Line = 0, int Column = 0);

/// <summary>One reported problem, with the catalogue entry it instantiates.</summary>
public sealed record Diagnostic(
    DiagnosticDescriptor Descriptor,
    string Message,
    SourceLocation? Location = null,
    DiagnosticSeverity? SeverityOverride = null)
{
    public string Code => Descriptor.Code;

    public DiagnosticSeverity Severity => SeverityOverride ?? Descriptor.DefaultSeverity;

    /// <summary>
    /// MSBuild's canonical error format, <c>path(line,col): error CODE: message</c>, so the
    /// MSBuild task, IDEs and CI log annotators all recognise our output without a custom parser.
    /// </summary>
    public string ToCanonicalString()
    {
        var severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        var origin = Location switch
        {
            null => "gac-build",
            { Line: > 0, Column: > 0 } l => string.Create(CultureInfo.InvariantCulture, $"{l.File}({l.Line},{l.Column})"),
            { Line: > 0 } l => string.Create(CultureInfo.InvariantCulture, $"{l.File}({l.Line})"),
            { } l => l.File,
        };
        return $"{origin}: {severity} {Code}: {Message}";
    }

    public override string ToString() => ToCanonicalString();
}
