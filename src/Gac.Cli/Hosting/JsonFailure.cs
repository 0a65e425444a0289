namespace Gac.Cli.Hosting;

/// <summary>
/// What every command prints on stdout when it fails under <c>--format json</c>: the first error's
/// code, message, file and line at the top (what a script reads), every diagnostic below, and the
/// exit code. The canonical lines still go to stderr for logs and MSBuild.
/// </summary>
public sealed record JsonFailure(
    int ExitCode,
    string Code,
    string Message,
    string? File,
    int? Line,
    int? Column,
    IReadOnlyList<JsonFailure.Entry> Diagnostics)
{
    public static JsonFailure From(int exitCode, IReadOnlyList<Diagnostic> diagnostics)
    {
        var entries = diagnostics.Select(Entry.From).ToList();
        var first = entries.FirstOrDefault(e => e.Severity == DiagnosticSeverity.Error) ?? entries.FirstOrDefault()
            ?? new Entry(DiagnosticCatalogue.InternalError.Code, DiagnosticSeverity.Error, "gac-build failed without a diagnostic", null, null, null);
        return new JsonFailure(exitCode, first.Code, first.Message, first.File, first.Line, first.Column, entries);
    }

    /// <summary>True when the command line asks for JSON (<c>--format json</c> or <c>--format=json</c>), even if it fails to parse.</summary>
    public static bool Requested(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--format=json" || (args[i] == "--format" && i + 1 < args.Count && args[i + 1] == "json"))
            {
                return true;
            }
        }

        return false;
    }

    public sealed record Entry(string Code, DiagnosticSeverity Severity, string Message, string? File, int? Line, int? Column)
    {
        public static Entry From(Diagnostic d)
            => new(
                d.Code,
                d.Severity,
                d.Message,
                d.Location?.File,
                d.Location is { Line: > 0 } l ? l.Line : null,
                d.Location is { Column: > 0 } c ? c.Column : null);
    }
}
