namespace Gac.Cli.Tests;

/// <summary>The result of one in-process gac-build invocation.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun InDirectory(string? workingDirectory, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, workingDirectory);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public static CliRun Invoke(params string[] args) => InDirectory(null, args);

    /// <summary>A user error is reported in the canonical form and never with a stack trace.</summary>
    public bool HasNoStackTrace => !Error.Contains("   at ", StringComparison.Ordinal) && !Error.Contains("Exception", StringComparison.Ordinal);
}
