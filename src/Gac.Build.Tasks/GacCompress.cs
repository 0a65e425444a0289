using Gac.Build.Tasks.Diagnostics;
using Gac.Build.Tasks.Tooling;
using Microsoft.Build.Framework;

namespace Gac.Build.Tasks;

/// <summary>
/// Runs <c>gac-build run &lt;spec&gt;</c> for one <c>GacCompress</c> item, out of process so libtorch, ONNX
/// Runtime and CUDA never load into an MSBuild node. Item metadata: <c>OutputPath</c> (artifact path
/// override, <c>--output</c>), <c>ReportDirectory</c> (<c>--report-dir</c>), <c>Provider</c> (cpu|cuda|auto,
/// <c>--provider</c>). The node is yielded while the tool runs (set <c>YieldDuringToolExecution</c>), and
/// cancelling the build kills the tool. gac-build writes the artifact only when the gate accepts it, so a
/// rejection leaves the previous artifact untouched.
/// </summary>
public sealed class GacCompress : GacToolTask
{
    /// <summary>Execution providers gac-build accepts; "auto" lets it pick CUDA when present.</summary>
    private static readonly string[] Providers = ["cpu", "cuda", "auto"];

    /// <summary>The gac.yaml item, with its metadata.</summary>
    [Required]
    public ITaskItem Spec { get; set; } = null!;

    internal string SpecPath => Spec.GetMetadata("FullPath") is { Length: > 0 } full ? full : Path.GetFullPath(Spec.ItemSpec, WorkingDirectory);

    internal string? OutputPath => FullPathMetadata("OutputPath");

    internal string? ReportDirectory => FullPathMetadata("ReportDirectory");

    internal string? Provider => Spec.GetMetadata("Provider") is { Length: > 0 } p ? p.Trim().ToLowerInvariant() : null;

    protected override bool AcceptsRejection => true;

    protected override bool ValidateParameters()
    {
        if (Provider is { } provider && !Providers.Contains(provider))
        {
            LogTaskError(TaskCodes.InvalidItemMetadata,
                $"GacCompress item '{Spec.ItemSpec}' has Provider='{Spec.GetMetadata("Provider")}'; expected one of {string.Join(", ", Providers)}.");
            return false;
        }

        return base.ValidateParameters();
    }

    protected override IEnumerable<string> ToolArguments()
    {
        yield return "run";
        yield return SpecPath;
        if (OutputPath is { } output)
        {
            yield return "--output";
            yield return output;
        }

        if (ReportDirectory is { } reports)
        {
            yield return "--report-dir";
            yield return reports;
        }

        if (Provider is { } provider)
        {
            yield return "--provider";
            yield return provider;
        }
    }

    protected override void OnRejected()
    {
        var report = ReportDirectory is { } directory ? $"the report in {directory}" : "the report gac-build wrote (gac.report.md)";
        LogTaskError(TaskCodes.GateRejected,
            $"GacCompress: the gate rejected {Spec.ItemSpec}; see {report}. No artifact was written or overwritten.");
    }

    protected override string DescribeSubject() => Spec.ItemSpec;

    protected override string SubjectFile => SpecPath;

    private string? FullPathMetadata(string name) =>
        Spec.GetMetadata(name) is { Length: > 0 } value ? Path.GetFullPath(value.Trim(), WorkingDirectory) : null;
}
