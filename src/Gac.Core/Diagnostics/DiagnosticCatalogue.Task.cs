namespace Gac.Core.Diagnostics;

/// <summary>
/// GAC95xx: what the GacCompress MSBuild task reports itself. The task keeps these codes as plain
/// strings (src/Gac.Build.Tasks/Diagnostics/TaskCodes.cs) because an MSBuild node must not load
/// Gac.Core; they are listed here so `gac-build explain` and DIAGNOSTICS.md know them too.
/// </summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor TaskGateRejected = new(
        "GAC9501", "GacCompress: the gate rejected the model",
        "gac-build exited 1: at least one gate goal was missed; the earlier artifact, if any, is unchanged and the next build tries again.",
        "Read the GAC5001 lines above it and the report the message names; relax the goal or change the compression.");

    public static readonly DiagnosticDescriptor TaskBadInputWithoutDiagnostic = new(
        "GAC9502", "GacCompress: bad input without a diagnostic",
        "gac-build exited 2 (bad input) but printed no line in the canonical `file(line,col): error GACxxxx: message` form that the task could show.",
        "Run `gac-build run <spec>` by hand to see its output; report the missing diagnostic as a bug.");

    public static readonly DiagnosticDescriptor TaskToolInternalError = new(
        "GAC9503", "GacCompress: gac-build hit an internal error",
        "gac-build exited 3: a bug in the tool; its stack trace is in the build log.",
        "Report it with the build log (build with -v:n to see the tool's output).");

    public static readonly DiagnosticDescriptor TaskToolNotRunnable = new(
        "GAC9504", "GacCompress: gac-build could not be run",
        "The tool could not be started, or it exited with a code outside the contract (0, 1, 2, 3).",
        "Check GacToolPath / GAC_BUILD_TOOL_PATH and that the .NET runtime the tool needs is installed.");

    public static readonly DiagnosticDescriptor TaskInvalidItemMetadata = new(
        "GAC9505", "GacCompress: invalid item metadata",
        "A GacCompress item has metadata with a value the task does not accept (Provider other than auto, cuda or cpu).",
        "Fix the metadata the message names in the project file.");

    public static readonly DiagnosticDescriptor TaskUnreadableInspection = new(
        "GAC9506", "GacCompress: the spec inspection is unreadable",
        "`gac-build check --format json`, which the task runs to learn the spec's inputs and outputs, printed something that is not the expected JSON.",
        "Check that GacToolPath points at gac-build of the same version as the Gac.Build package.");

    public static readonly DiagnosticDescriptor TaskToolPathNotFound = new(
        "GAC9507", "GacCompress: the tool path does not exist",
        "GacToolPath or the GAC_BUILD_TOOL_PATH environment variable names a file that does not exist.",
        "Point it at the gac-build executable, or unset it to use the tool from the package.");
}
