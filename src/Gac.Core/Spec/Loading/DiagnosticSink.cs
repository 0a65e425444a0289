using Gac.Core.Diagnostics;

namespace Gac.Core.Spec.Loading;

/// <summary>Collects every problem found in one spec file, so the user fixes them all in one round.</summary>
internal sealed class DiagnosticSink(string file)
{
    private readonly List<Diagnostic> _items = [];

    public string File { get; } = file;

    public bool HasErrors => _items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Report(DiagnosticDescriptor descriptor, string message, int line = 0, int column = 0)
        => _items.Add(new Diagnostic(descriptor, message, new SourceLocation(File, line, column)));

    public void Report(DiagnosticDescriptor descriptor, string message, SourcePosition position)
        => Report(descriptor, message, position.Line, position.Column);

    /// <summary>In file order, so the output reads top to bottom like the spec does.</summary>
    public IReadOnlyList<Diagnostic> ToList()
        => _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location?.Line ?? 0)
            .ThenBy(x => x.d.Location?.Column ?? 0)
            .ThenBy(x => x.i)
            .Select(x => x.d)
            .ToArray();
}

/// <summary>1-based line and column in the spec file.</summary>
internal readonly record struct SourcePosition(int Line, int Column);
