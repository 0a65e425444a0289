using Gac.Core.Diagnostics;
using Gac.Core.Reports;

namespace Gac.Pipeline;

/// <summary>What a run produced: the verdict, where the artifact and reports are, and the exit code.</summary>
public sealed record PipelineResult(
    RunReport Report,
    bool Accepted,
    string ArtifactPath,
    IReadOnlyList<string> ReportFiles,
    IReadOnlyList<Diagnostic> Warnings)
{
    public int ExitCode => Accepted ? ExitCodes.Success : ExitCodes.Rejected;
}
