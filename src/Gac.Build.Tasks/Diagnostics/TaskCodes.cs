namespace Gac.Build.Tasks.Diagnostics;

/// <summary>
/// The codes the MSBuild task reports itself (GAC95xx, reserved for the task). Plain strings on
/// purpose: the task must not reference Gac.Core, because an MSBuild node must never load the
/// pipeline's libraries. Diagnostics that gac-build prints keep their own codes.
/// </summary>
internal static class TaskCodes
{
    /// <summary>gac-build exited 1: the gate rejected the candidate; nothing was overwritten.</summary>
    public const string GateRejected = "GAC9501";

    /// <summary>gac-build exited 2 (bad input) but printed no diagnostic the task could map.</summary>
    public const string BadInputWithoutDiagnostic = "GAC9502";

    /// <summary>gac-build exited 3: a bug in the tool; its stack trace is in the build log.</summary>
    public const string ToolInternalError = "GAC9503";

    /// <summary>gac-build could not be started or exited with a code outside the contract.</summary>
    public const string ToolNotRunnable = "GAC9504";

    /// <summary>A GacCompress item has metadata with a value the task does not accept.</summary>
    public const string InvalidItemMetadata = "GAC9505";

    /// <summary><c>gac-build check --format json</c> printed something that is not the expected JSON.</summary>
    public const string UnreadableInspection = "GAC9506";

    /// <summary>GacToolPath or GAC_BUILD_TOOL_PATH names a file that does not exist.</summary>
    public const string ToolPathNotFound = "GAC9507";

    /// <summary>The item's OutputPath is (or its data file would be) an input of the spec; gac-build's own code for it.</summary>
    public const string OutputReplacesInput = "GAC5023";
}
