using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Hardware;
using Gac.Core.Spec;
using Gac.Runtime.Providers;

namespace Gac.Pipeline;

/// <summary>
/// What every step of one run shares: the spec with host overrides applied, progress, cancellation,
/// warnings, the one ONNX Runtime session factory (so all variants run on the same provider), and a
/// private scratch folder for candidate models that is deleted when the run ends.
/// </summary>
public sealed class RunContext : IDisposable
{
    private readonly IProgress<PipelineProgress>? _progress;
    private readonly List<Diagnostic> _warnings = [];
    private readonly Core.Artifacts.ScratchFolder _scratch;
    private OrtSessionFactory? _sessions;
    private Gac.Compression.LowRank.DecompositionCache? _decompositions;

    public RunContext(GacSpec spec, PipelineOptions options, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        Spec = spec;
        Options = options;
        DType = Steps.ExportPrecision.Resolve(spec);
        _progress = progress;
        CancellationToken = cancellationToken;
        Outputs = OutputsOf(spec, options);
        ArtifactPath = Outputs.ArtifactPath;
        ReportDirectory = Outputs.ReportDirectory;
        CheckOutputs(SpecFileSet.Of(spec).Inputs);
        _scratch = Core.Artifacts.ScratchFolder.Create(options.ScratchRoot);
        ScratchFolder = _scratch.Path;
    }

    public GacSpec Spec { get; }

    /// <summary>export.dtype with auto resolved: what the variants are written in.</summary>
    public ExportDType DType { get; }

    public PipelineOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    public string ArtifactPath { get; }

    public string ReportDirectory { get; }

    /// <summary>Everything the run may write outside its scratch folder.</summary>
    public OutputTargets Outputs { get; }

    /// <summary>Candidate models live here until the gate decides; never beside the artifact.</summary>
    public string ScratchFolder { get; }

    public AlignmentProfile Profile => Spec.Alignment.Profile;

    public IReadOnlyList<Diagnostic> Warnings => _warnings;

    public ExecutionProviderChoice ProviderChoice => Options.Provider ?? Spec.Validation.Provider;

    /// <summary>
    /// Created on first use: the native-library override must be registered before ONNX Runtime
    /// loads, and the provider is resolved once so the original and both candidates share it.
    /// </summary>
    public OrtSessionFactory Sessions
    {
        get
        {
            if (_sessions is null)
            {
                OrtNativeLibrary.Configure(Spec.Validation.OrtNativePath?.FullPath);
                _sessions = new OrtSessionFactory(new SessionSettings(ProviderChoice, CudaGraph: Spec.Validation.CudaGraph && !Options.CompressStageOnly));
                _sessions.ResolveProvider();
                _warnings.AddRange(_sessions.Warnings);
            }

            return _sessions;
        }
    }

    /// <summary>GAC5023 when an output would replace one of <paramref name="inputs"/>; GAC5024 when an output folder is a file.</summary>
    public void CheckOutputs(IEnumerable<string> inputs) => CheckOutputs(Outputs, Options, inputs);

    /// <summary>Where a run of <paramref name="spec"/> writes; the readiness check (`check`) asks the same question.</summary>
    public static OutputTargets OutputsOf(GacSpec spec, PipelineOptions options)
    {
        var artifact = Path.GetFullPath(options.OutputPath ?? spec.Export.Path.FullPath);

        // Reports describe the artifact they sit beside: --output moves them along unless --report-dir says otherwise.
        var reports = Path.GetFullPath(options.ReportDirectory
            ?? (options.OutputPath is not null ? Path.GetDirectoryName(artifact)! : spec.Report.Directory.FullPath));
        return new OutputTargets(artifact, reports, spec.Report.Formats.Select(SpecFileSet.ReportFileName).ToArray());
    }

    public static void CheckOutputs(OutputTargets outputs, PipelineOptions options, IEnumerable<string> inputs)
        => outputs.Check(
            inputs,
            options.OutputPath is null ? "export.path" : "--output",
            options.ReportDirectory is not null ? "--report-dir" : options.OutputPath is not null ? "beside --output" : "report.directory");

    public void Report(string step, string message) => _progress?.Report(new PipelineProgress(step, message));

    public void Warn(Diagnostic warning) => _warnings.Add(warning);

    public string Scratch(string fileName) => Path.Combine(ScratchFolder, fileName);

    /// <summary>Every low-rank layer's decomposition, computed once and spilled to the scratch folder for the apply pass and later candidates.</summary>
    public Gac.Compression.LowRank.DecompositionCache Decompositions => _decompositions ??= new(Scratch("decompositions"));

    public void Dispose()
    {
        _decompositions?.Dispose();
        _scratch.Dispose();
    }
}
