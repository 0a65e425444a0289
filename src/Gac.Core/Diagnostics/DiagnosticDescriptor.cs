namespace Gac.Core.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// One entry of the diagnostics catalogue: a stable code, what causes it and how to fix it.
/// Codes never change meaning once shipped; CI systems and users search for them.
/// </summary>
public sealed record DiagnosticDescriptor(
    string Code,
    string Title,
    string Cause,
    string Fix,
    DiagnosticSeverity DefaultSeverity = DiagnosticSeverity.Error);
