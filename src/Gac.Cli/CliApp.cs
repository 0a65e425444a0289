using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Gac.Cli.Commands;
using Gac.Core.Artifacts;

namespace Gac.Cli;

/// <summary>
/// The gac-build entry point: parses the command line against the commands' System.CommandLine
/// definitions, runs the command with the Ctrl-C token, and turns every failure into the command-line
/// contract's exit codes (0 ok, 1 rejected, 2 bad input, 3 internal, 130/143 cancelled).
/// </summary>
public static class CliApp
{
    public const string Name = "gac-build";

    /// <summary>Response files (@file) are off: gac-build never supported them, and a path starting with @ stays a path.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static IReadOnlyList<GacCommand> CreateCommands(CliHost host) =>
    [
        new CheckCommand(host),
        new InitCommand(host),
        new RunCommand(host),
        new ValidateCommand(host),
        new SweepCommand(host),
        new AuditCommand(host),
        new PlanCommand(host),
        new ExplainCommand(host),
        new SynthCommand(host),
        new BenchCommand(host),
        new ProfileCommand(host),
        new CompareCommand(host),
    ];

    /// <summary>The whole command tree; --help and --version are generated from it.</summary>
    public static Command CreateRoot(CliHost host)
    {
        var root = new Command(Name, $"{Name} {Version} — GPU-aligned compression for ONNX models");
        var help = new HelpOption();
        help.Action = new HelpWithExitCodes((HelpAction)help.Action!);
        root.Options.Add(help);
        root.Options.Add(new VersionOption { Action = new PrintVersion() });
        foreach (var command in CreateCommands(host))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string? workingDirectory = null, CancellationToken cancellation = default)
        => RunAsync(args, stdout, stderr, workingDirectory, cancellation).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        string? workingDirectory = null,
        CancellationToken cancellation = default)
    {
        var root = CreateRoot(new CliHost(stdout, stderr, workingDirectory ?? Directory.GetCurrentDirectory()));
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false, // failures are mapped to GAC codes below, never a stack trace for bad input
            ProcessTerminationTimeout = null, // CancellationSignals owns Ctrl-C and SIGTERM (exit 130 / 143, scratch cleanup)
        };
        try
        {
            // No arguments: the overview, as a mistake (exit 2); `help` and `version` as words still work.
            string[] words = args switch
            {
                [] or ["help"] => ["--help"],
                ["version"] => ["--version"],
                _ => args,
            };
            var parse = root.Parse(words, Parsing);
            if (parse.Action is { } action && action != parse.CommandResult.Command.Action && action is not ParseErrorAction)
            {
                var code = parse.Invoke(invocation); // --help or --version
                return args.Length == 0 ? ExitCodes.BadInput : code;
            }

            if (parse.CommandResult.Command == root)
            {
                var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
                throw GacException.Create(DiagnosticCatalogue.UnknownCommand, $"'{args[0]}' is not a {Name} command. Commands: {commands}.");
            }

            if (ArgumentErrors.Of(parse, words) is { } error)
            {
                throw error;
            }

            using var signals = new CancellationSignals(ScratchFolder.DeleteAllLive);
            using var token = CancellationTokenSource.CreateLinkedTokenSource(signals.Token, cancellation);
            try
            {
                return await parse.InvokeAsync(invocation, token.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
            {
                throw signals.Cancelled();
            }
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
            return Failed(CancellationSignals.InterruptExitCode, [cancelled]);
        }
        catch (IOException ex)
        {
            // A full disk or a file system that refuses a write is the machine's state, not a bug:
            // steps that know which file map their own I/O errors; this catches the rest without a stack trace.
            var failed = new Diagnostic(DiagnosticCatalogue.FileSystemFailure, $"file system failure: {ex.Message}");
            stderr.WriteLine(failed.ToCanonicalString());
            return Failed(ExitCodes.BadInput, [failed]);
        }
        catch (OutOfMemoryException ex)
        {
            // Like a full disk, the machine's state rather than a bug: the remedy is a setting or a bigger machine, not a stack trace.
            var exhausted = new Diagnostic(DiagnosticCatalogue.OutOfMemory, $"out of memory: {ex.Message} Validate large models layer-wise, " +
                "calibrate block-wise, or give the process more memory (gac-build explain GAC9011).");
            stderr.WriteLine(exhausted.ToCanonicalString());
            return Failed(ExitCodes.BadInput, [exhausted]);
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

    /// <summary>The generated help, at a fixed width (the same in a terminal and a log), plus the exit codes under the overview.</summary>
    private sealed class HelpWithExitCodes : SynchronousCommandLineAction
    {
        private readonly HelpAction _help;

        public HelpWithExitCodes(HelpAction help)
        {
            _help = help;
            _help.MaxWidth = 110;
        }

        public override int Invoke(ParseResult parseResult)
        {
            _help.Invoke(parseResult);
            if (parseResult.CommandResult.Command.Parents.Any())
            {
                return ExitCodes.Success;
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Every command takes --format text|json and --help (`gac-build <command> --help`).");
            output.WriteLine("Exit codes: 0 ok/accepted, 1 rejected by the gate, 2 bad input, 3 internal error, 130/143 cancelled by Ctrl-C/SIGTERM.");
            return ExitCodes.Success;
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Success;
        }
    }
}
