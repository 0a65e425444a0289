using System.Reflection;
using Gac.Cli.Commands;
using Gac.Cli.Hosting;
using Gac.Core.Diagnostics;

namespace Gac.Cli;

/// <summary>
/// The gac-build entry point: picks the command, parses its arguments, runs it, and turns every
/// failure into the command-line contract's exit codes (0 ok, 1 rejected, 2 bad input, 3 internal).
/// </summary>
public static class CliApp
{
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new CheckCommand(),
        new InitCommand(),
        new RunCommand(),
        new AuditCommand(),
        new PlanCommand(),
        new ExplainCommand(),
        new SynthCommand(),
        new BenchCommand(),
        new ProfileCommand(),
        new CompareCommand(),
    ];

    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string? workingDirectory = null)
    {
        workingDirectory ??= Directory.GetCurrentDirectory();
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            HelpText.WriteOverview(stdout, Commands, Version);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }

        if (args[0] is "--version" or "version")
        {
            stdout.WriteLine(Version);
            return ExitCodes.Success;
        }

        var format = OutputFormat.Text;
        try
        {
            var command = Commands.FirstOrDefault(c => c.Name == args[0])
                ?? throw GacException.Create(DiagnosticCatalogue.UnknownCommand, $"'{args[0]}' is not a gac-build command. Commands: " +
                    $"{string.Join(", ", Commands.Select(c => c.Name))}.");
            var parsed = ArgumentParser.Parse(command, args[1..]);
            if (parsed.Has("--help"))
            {
                HelpText.WriteCommand(stdout, command);
                return ExitCodes.Success;
            }

            format = ParseFormat(command, parsed.Value("--format"));
            return command.Execute(new CommandContext(parsed, stdout, stderr, format, workingDirectory));
        }
        catch (GacException ex)
        {
            foreach (var diagnostic in ex.Diagnostics)
            {
                stderr.WriteLine(diagnostic.ToCanonicalString());
            }

            return Failed(ex.ExitCode, ex.Diagnostics);
        }
        catch (OperationCanceledException)
        {
            var cancelled = new Diagnostic(DiagnosticCatalogue.RunCancelled, "cancelled.");
            stderr.WriteLine(cancelled.ToCanonicalString());
            return Failed(Hosting.CancellationSignals.InterruptExitCode, [cancelled]);
        }
#pragma warning disable CA1031 // The host boundary: any other exception is a bug, reported with its stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var diagnostic = new Diagnostic(DiagnosticCatalogue.InternalError, $"internal error: {ex.Message}");
            stderr.WriteLine(diagnostic.ToCanonicalString());
            stderr.WriteLine(ex.ToString());
            return Failed(ExitCodes.InternalError, [diagnostic]);
        }

        // With --format json a failure is a JSON object on stdout too, so a script never parses an empty stream.
        int Failed(int exitCode, IReadOnlyList<Diagnostic> diagnostics)
        {
            if (JsonFailure.Requested(args))
            {
                stdout.WriteLine(JsonOutput.Serialize(JsonFailure.From(exitCode, diagnostics)));
            }

            return exitCode;
        }
    }

    private static OutputFormat ParseFormat(CliCommand command, string? value)
    {
        if (value is null)
        {
            return OutputFormat.Text;
        }

        foreach (var format in command.Formats)
        {
            if (CliCommand.FormatName(format) == value)
            {
                return format;
            }
        }

        throw ParsedArguments.ArgumentError($"--format expects {CliCommand.Alternatives(command.Formats.Select(f => $"'{CliCommand.FormatName(f)}'"))}, " +
            $"found '{value}'.");
    }
}
