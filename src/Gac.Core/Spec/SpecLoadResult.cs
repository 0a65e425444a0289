using Gac.Core.Diagnostics;

namespace Gac.Core.Spec;

/// <summary>The outcome of reading a gac.yaml: the spec when no error was found, and every diagnostic (warnings too) in file order.</summary>
public sealed record SpecLoadResult(GacSpec? Spec, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Spec is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}
