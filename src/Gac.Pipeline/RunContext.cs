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
    private OrtSessionFactory? _sessions;

    public RunContext(GacSpec spec, PipelineOptions options, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        Spec = spec;
        Options = options;
        _progress = progress;
        CancellationToken = cancellationToken;
        ArtifactPath = Path.GetFullPath(options.OutputPath ?? spec.Export.Path.FullPath);
        ReportDirectory = Path.GetFullPath(options.ReportDirectory ?? spec.Report.Directory.FullPath);
        ScratchFolder = Directory.CreateTempSubdirectory("gac-run-").FullName;
    }

    public GacSpec Spec { get; }

    public PipelineOptions Options { get; }

    public CancellationToken CancellationToken { get; }

    public string ArtifactPath { get; }

    public string ReportDirectory { get; }

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
                _sessions = new OrtSessionFactory(new SessionSettings(ProviderChoice));
                _sessions.ResolveProvider();
                _warnings.AddRange(_sessions.Warnings);
            }

            return _sessions;
        }
    }

    public void Report(string step, string message) => _progress?.Report(new PipelineProgress(step, message));

    public void Warn(Diagnostic warning) => _warnings.Add(warning);

    public string Scratch(string fileName) => Path.Combine(ScratchFolder, fileName);

    public void Dispose()
    {
        try
        {
            Directory.Delete(ScratchFolder, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in the temp directory is harmless; the artifact is what matters.
        }
    }
}
