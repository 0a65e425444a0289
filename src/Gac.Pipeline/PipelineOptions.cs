using Gac.Core.Spec;

namespace Gac.Pipeline;

/// <summary>Host overrides of a spec's settings (command-line flags, MSBuild item metadata).</summary>
public sealed record PipelineOptions
{
    /// <summary>Where the accepted artifact goes instead of <c>export.path</c>.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Where the reports go instead of <c>report.directory</c>.</summary>
    public string? ReportDirectory { get; init; }

    /// <summary>Overrides <c>validation.provider</c>.</summary>
    public ExecutionProviderChoice? Provider { get; init; }

    /// <summary>Overrides <c>validation.iterations</c> (e.g. a quick CI smoke run).</summary>
    public int? Iterations { get; init; }

    /// <summary>Where the run's <c>gac-run-*</c> scratch folder goes (and stale ones are swept); default the temp folder.</summary>
    public string? ScratchRoot { get; init; }

    /// <summary>
    /// Lowers the size at which <c>export.external_data: auto</c> switches to an external-data file
    /// (protobuf's 2 GB by default), so tests take the large-model path with a small model.
    /// </summary>
    public long? SingleFileLimitBytes { get; init; }

    /// <summary>
    /// Set by <c>run --stage compress</c>: sessions only calibrate on the CPU there, so validation settings that
    /// need the validate machine's GPU (<c>validation.cuda_graph</c>) wait for the validate stage.
    /// </summary>
    internal bool CompressStageOnly { get; init; }

    /// <summary>Called at every step of the artifact commit; fault-injection tests throw or hang there.</summary>
    public Action<Gac.Core.Artifacts.CommitStep>? CommitHook { get; init; }
}

/// <summary>One line of progress: which step, and what it is doing.</summary>
public sealed record PipelineProgress(string Step, string Message);
