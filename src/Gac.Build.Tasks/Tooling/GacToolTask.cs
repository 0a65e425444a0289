using Gac.Build.Tasks.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tooling;

/// <summary>
/// The shared host for tasks that start gac-build out of process (as Grpc.Tools runs protoc): resolves the
/// command, turns its canonical <c>file(line,col): error GACnnnn: message</c> lines into MSBuild errors
/// and warnings with code and location, and maps the command-line contract's exit codes
/// (0 ok, 1 rejected, 2 bad input, 3 internal error) to one clear build error each.
/// </summary>
public abstract class GacToolTask : ToolTask
{
    /// <summary>Execution providers gac-build accepts for the <c>Provider</c> item metadata.</summary>
    private static readonly string[] Providers = ["cpu", "cuda", "auto"];

    private GacToolCommand? _command;

    /// <summary>The gac.yaml item (a <c>GacCompress</c> item), with its metadata.</summary>
    [Required]
    public ITaskItem Spec { get; set; } = null!;

    /// <summary>Path to gac-build (an executable or gac-build.dll); overrides GAC_BUILD_TOOL_PATH and the tool manifest.</summary>
    public string? GacToolPath { get; set; }

    protected override string ToolName => "gac-build";

    /// <summary>The command this invocation uses; resolved in <see cref="ValidateParameters"/>.</summary>
    internal GacToolCommand Command => _command ??= ResolveCommand();

    /// <summary>gac-build's arguments after the command prefix, e.g. <c>run /abs/gac.yaml --output x</c>.</summary>
    protected abstract IEnumerable<string> ToolArguments();

    /// <summary>
    /// The project's folder (<c>$(MSBuildProjectDirectory)</c>): gac-build runs there (so <c>dotnet tool run</c>
    /// finds the repository's tool manifest), and relative paths in metadata and diagnostics resolve against it.
    /// Defaults to the current directory, which MSBuild sets to the project's folder while building it.
    /// </summary>
    public string? ProjectDirectory { get; set; }

    protected string WorkingDirectory =>
        string.IsNullOrWhiteSpace(ProjectDirectory) ? Directory.GetCurrentDirectory() : Path.GetFullPath(ProjectDirectory);

    /// <summary>The spec's full path: where diagnostics without a file of their own point.</summary>
    internal string SpecPath => Spec.GetMetadata("FullPath") is { Length: > 0 } full ? full : Path.GetFullPath(Spec.ItemSpec, WorkingDirectory);

    /// <summary>The item's <c>Provider</c> metadata (cpu|cuda|auto), trimmed and lower-cased; null when absent.</summary>
    internal string? Provider => Spec.GetMetadata("Provider") is { Length: > 0 } p ? p.Trim().ToLowerInvariant() : null;

    public override bool Execute() => base.Execute() && !Log.HasLoggedErrors;

    protected override string GetWorkingDirectory() => WorkingDirectory;

    protected override string GenerateFullPathToTool() => Command.FileName;

    protected override string GenerateCommandLineCommands() =>
        CommandLineQuoting.Join(Command.LeadingArguments.Concat(ToolArguments()));

    protected override bool ValidateParameters()
    {
        if (Command.RequiredFile is { } file && !File.Exists(file))
        {
            LogTaskError(TaskCodes.ToolPathNotFound, $"gac-build was not found at '{file}': {Command.InstallHint}.");
            return false;
        }

        return base.ValidateParameters();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        var diagnostic = CanonicalDiagnosticParser.TryParse(singleLine, WorkingDirectory);
        if (diagnostic is null)
        {
            OnOtherOutputLine(singleLine, messageImportance);
            return;
        }

        // A diagnostic from the tool itself ("gac-build: error GAC9001: ...") is about this invocation: pin it on
        // the spec, not on the .targets file MSBuild would otherwise show.
        var d = diagnostic.File is null ? diagnostic with { File = SpecPath } : diagnostic;
        switch (d.Severity)
        {
            case CanonicalSeverity.Error:
                Log.LogError(d.Subcategory, d.Code, null, d.File, d.Line, d.Column, d.EndLine, d.EndColumn, d.Message);
                break;
            case CanonicalSeverity.Warning:
                Log.LogWarning(d.Subcategory, d.Code, null, d.File, d.Line, d.Column, d.EndLine, d.EndColumn, d.Message);
                break;
            default:
                Log.LogMessage(d.Subcategory, d.Code, null, d.File, d.Line, d.Column, d.EndLine, d.EndColumn, MessageImportance.Normal, d.Message);
                break;
        }
    }

    /// <summary>A line that is not a diagnostic: progress text by default; the inspect task collects its JSON.</summary>
    protected virtual void OnOtherOutputLine(string line, MessageImportance importance) => Log.LogMessage(importance, line);

    /// <summary>
    /// Exit codes other than 0. The tool's own diagnostics are already logged; an extra error is added only
    /// where the build would otherwise fail without saying why, and for a rejection (which is not a tool error).
    /// </summary>
    protected override bool HandleTaskExecutionErrors()
    {
        switch (ExitCode)
        {
            // ToolTask reports -1 when the tool exited 0 but printed an error diagnostic, and when it could not
            // start the process (having logged why): either way the logged error is the explanation.
            case -1 when HasLoggedErrors:
                break;
            case 1 when AcceptsRejection:
                OnRejected();
                break;
            case 2 when !Log.HasLoggedErrors:
                LogTaskError(TaskCodes.BadInputWithoutDiagnostic,
                    $"gac-build reported bad input (exit code 2) for '{Spec.ItemSpec}' but printed no diagnostic; run `{DescribeCommandLine()}` to see " +
                        $"its output.");
                break;
            case 2:
                break;
            case 3:
                LogTaskError(TaskCodes.ToolInternalError,
                    $"gac-build hit an internal error (exit code 3) on '{Spec.ItemSpec}'; its stack trace is in the build log above (detailed " +
                        $"verbosity). Please report it.");
                break;
            default:
                LogTaskError(TaskCodes.ToolNotRunnable,
                    $"gac-build could not run (`{DescribeCommandLine()}` exited with code {ExitCode}): {Command.InstallHint}.");
                break;
        }

        return false;
    }

    /// <summary>Whether exit code 1 means "rejected by the gate" for this command (run does; check never exits 1).</summary>
    protected virtual bool AcceptsRejection => false;

    /// <summary>Reports a rejection; only commands with <see cref="AcceptsRejection"/> get here.</summary>
    protected virtual void OnRejected()
    {
    }

    /// <summary>
    /// Whether the item's <c>Provider</c> metadata, when given, is one gac-build accepts; logs the error when not.
    /// "auto" lets gac-build pick CUDA when present.
    /// </summary>
    protected bool ProviderIsValid()
    {
        if (Provider is { } provider && !Providers.Contains(provider))
        {
            LogTaskError(TaskCodes.InvalidItemMetadata,
                $"GacCompress item '{Spec.ItemSpec}' has Provider='{Spec.GetMetadata("Provider")}'; expected one of {string.Join(", ", Providers)}.");
            return false;
        }

        return true;
    }

    /// <summary><c>--provider</c> and the item's <c>Provider</c> metadata, when it has one.</summary>
    protected IEnumerable<string> ProviderArguments() => Provider is { } provider ? ["--provider", provider] : [];

    protected void LogTaskError(string code, string message) =>
        Log.LogError(null, code, null, SpecPath, 0, 0, 0, 0, message);

    private string DescribeCommandLine() => $"{Command.FileName} {GenerateCommandLineCommands()}".Trim();

    private GacToolCommand ResolveCommand() => GacToolCommand.Resolve(
        GacToolPath,
        Environment.GetEnvironmentVariable(GacToolCommand.EnvironmentVariableName),
        Environment.GetEnvironmentVariable(GacToolCommand.DotnetHostVariableName),
        WorkingDirectory);
}
