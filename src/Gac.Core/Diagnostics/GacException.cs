namespace Gac.Core.Diagnostics;

/// <summary>
/// The one exception type that carries user-facing diagnostics across layers. Hosts catch it,
/// print the diagnostics and exit with <see cref="ExitCode"/>; anything else is an internal error.
/// </summary>
public sealed class GacException : Exception
{
    public GacException(Diagnostic diagnostic, Exception? inner = null)
        : this([diagnostic], inner)
    {
    }

    public GacException(IReadOnlyList<Diagnostic> diagnostics, Exception? inner = null)
        : base(diagnostics.Count > 0 ? diagnostics[0].ToCanonicalString() : "gac-build failed", inner)
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Bad input (spec, model, data, provider) is exit code 2 per the command-line contract.</summary>
    public int ExitCode { get; init; } = ExitCodes.BadInput;

    public static GacException Create(DiagnosticDescriptor descriptor, string message, SourceLocation? location = null, Exception? inner = null)
        => new(new Diagnostic(descriptor, message, location), inner);
}
