using Gac.Core.Diagnostics;

namespace Gac.Cli.Hosting;

/// <summary>What a running command may use: its arguments, the output streams, the chosen format.</summary>
public sealed class CommandContext(ParsedArguments arguments, TextWriter stdout, TextWriter stderr, OutputFormat format, string workingDirectory)
{
    public ParsedArguments Arguments => arguments;

    public TextWriter Out => stdout;

    public TextWriter Error => stderr;

    public OutputFormat Format => format;

    public string WorkingDirectory => workingDirectory;

    /// <summary>Interactive terminals get progress lines; CI logs (CI=true) and redirected output stay quiet.</summary>
    public bool ShowProgress => Format == OutputFormat.Text
        && !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public void Report(Diagnostic diagnostic) => Error.WriteLine(diagnostic.ToCanonicalString());

    /// <summary>Resolves a path argument against the working directory and fails with GAC9003 if it is absent.</summary>
    public string ExistingFile(string path, string what)
    {
        var full = Path.GetFullPath(path, WorkingDirectory);
        if (!File.Exists(full))
        {
            throw GacException.Create(DiagnosticCatalogue.InputFileNotFound, $"{what} '{path}' does not exist.", new SourceLocation(path));
        }

        return full;
    }
}
