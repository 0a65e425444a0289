using Gac.Build.Tasks.Diagnostics;
using Gac.Build.Tasks.Tooling;

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
    internal string? OutputPath => FullPathMetadata("OutputPath");

    internal string? ReportDirectory => FullPathMetadata("ReportDirectory");

    protected override bool AcceptsRejection => true;

    protected override bool ValidateParameters()
    {
        if (!ProviderIsValid())
        {
            return false;
        }

        if (InputReplacedByOutput() is { } clash)
        {
            LogTaskError(TaskCodes.OutputReplacesInput,
                $"GacCompress item '{Spec.ItemSpec}' has OutputPath='{Spec.GetMetadata("OutputPath")}', which would replace '{clash}', an input of the spec; " +
                    $"gac-build was not run and the input is unchanged. Give OutputPath another file, e.g. " +
                    $"'{Path.ChangeExtension(Spec.GetMetadata("OutputPath"), ".gac.onnx")}'.");
            return false;
        }

        return base.ValidateParameters();
    }

    /// <summary>
    /// The input file the artifact or its data file would overwrite: the spec, or a file <c>gac-build check</c>
    /// listed as read (InputFiles; a folder stands for every file under it). gac-build refuses this too
    /// (GAC5023); checking here keeps a build from even starting the tool on its own model.
    /// </summary>
    private string? InputReplacedByOutput()
    {
        if (OutputPath is not { } output)
        {
            return null;
        }

        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var inputs = Spec.GetMetadata("InputFiles").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Path.GetFullPath(p, WorkingDirectory))
            .Append(SpecPath)
            .ToList();
        foreach (var written in new[] { output, output + ".data" })
        {
            foreach (var input in inputs)
            {
                var isFolder = Directory.Exists(input);
                if (string.Equals(written, input, comparison)
                    || (isFolder && File.Exists(written) && written.StartsWith(Path.TrimEndingDirectorySeparator(input) + Path.DirectorySeparatorChar,
                        comparison)))
                {
                    return isFolder ? written : input;
                }
            }
        }

        return null;
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

        foreach (var argument in ProviderArguments())
        {
            yield return argument;
        }
    }

    protected override void OnRejected()
    {
        var report = ReportDirectory is { } directory ? $"the report in {directory}" : "the report gac-build wrote (gac.report.md)";
        LogTaskError(TaskCodes.GateRejected,
            $"GacCompress: the gate rejected {Spec.ItemSpec}; see {report}. No artifact was written or overwritten.");
    }

    private string? FullPathMetadata(string name) =>
        Spec.GetMetadata(name) is { Length: > 0 } value ? Path.GetFullPath(value.Trim(), WorkingDirectory) : null;
}
