namespace Gac.Cli.Hosting;

/// <summary>Where one invocation writes and which folder its relative paths start from.</summary>
public sealed record CliHost(TextWriter Out, TextWriter Error, string WorkingDirectory);

/// <summary>
/// What a running command may use: its parsed values (typed, by the option objects the command
/// declared), the output streams, the chosen format, and the cancellation token Ctrl-C trips.
/// </summary>
public sealed class CommandContext(ParseResult parse, CliHost host, OutputFormat format, CancellationToken cancellation)
{
    public TextWriter Out => host.Out;

    public TextWriter Error => host.Error;

    public OutputFormat Format => format;

    public string WorkingDirectory => host.WorkingDirectory;

    /// <summary>Cancelled by Ctrl-C or SIGTERM (<see cref="CancellationSignals"/>); every pipeline call takes it.</summary>
    public CancellationToken Cancellation => cancellation;

    /// <summary>Interactive terminals get progress lines; CI logs (CI=true) and redirected output stay quiet.</summary>
    public bool ShowProgress => Format == OutputFormat.Text
        && !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public T Get<T>(Option<T> option) => parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => parse.GetValue(argument)!;

    /// <summary>True when the user wrote the option (a default does not count).</summary>
    public bool Given(Option option) => parse.GetResult(option) is { Implicit: false };

    public void Report(Diagnostic diagnostic) => Error.WriteLine(diagnostic.ToCanonicalString());

    /// <summary>A path the user typed, resolved against the working directory.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public string? FullPathOrNull(string? path) => path is null ? null : FullPath(path);

    /// <summary>Resolves a path argument against the working directory and fails with GAC9003 if it is absent.</summary>
    public string ExistingFile(string path, string what)
    {
        var full = FullPath(path);
        if (!File.Exists(full))
        {
            throw GacException.Create(DiagnosticCatalogue.InputFileNotFound, $"{what} '{path}' does not exist.", new SourceLocation(path));
        }

        return full;
    }
}
