using Gac.Core.Spec;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline;

/// <summary>
/// The one pipeline both hosts call. Each step takes what the previous one produced and returns
/// something new; nothing is written to the export path until the gate accepts the result.
/// </summary>
/// <remarks>
/// Steps up to the gate are CPU-bound (decomposition, rewrites, ONNX Runtime runs) and run
/// synchronously on the caller's thread, not wrapped in a fake Task: the token is checked between
/// layers, groups, tensors written and samples run, down into Gac.Onnx. Publishing is real I/O and
/// awaits. A cancelled run throws <see cref="OperationCanceledException"/> from the step it was in;
/// the run's scratch folder goes with it and the export path is untouched (the host reports GAC0050).
/// </remarks>
public static class GacPipeline
{
    public static async Task<PipelineResult> RunAsync(
        GacSpec spec,
        PipelineOptions? options = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new PipelineOptions();
        RunReadiness.ThrowIfNotReady(spec, options);                        // what check reports: refuse before any work
        using var run = new RunContext(spec, options, progress, cancellationToken);
        Bf16Sessions.ThrowIfValidatedOnCpu(run);                            // before the compress work, not after it

        var candidate = CompressStage(run);                                 // import … the chosen aligned candidate
        return await ValidateStageAsync(run, candidate).ConfigureAwait(false); // validate, gate, publish
    }

    /// <summary>
    /// <c>gac-build run --stage compress</c>: the CPU half of a run — import, calibrate, compress, align,
    /// write and choose the candidate — written as a candidate bundle for <see cref="ValidateAsync"/>
    /// on another machine. Nothing is published and no gate runs. Calibration runs on the CPU provider
    /// (a compress job has no GPU); the validation provider applies in the validate stage.
    /// </summary>
    public static Bundles.BundleManifest CompressToBundle(
        GacSpec spec,
        string bundleFolder,
        PipelineOptions? options = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options = (options ?? new PipelineOptions()) with { Provider = ExecutionProviderChoice.Cpu, CompressStageOnly = true };
        RunReadiness.ThrowIfNotReady(spec, options);
        using var run = new RunContext(spec, options, progress, cancellationToken);
        var candidate = CompressStage(run);
        return Bundles.CandidateBundle.Write(run, candidate, bundleFolder);
    }

    /// <summary>
    /// <c>gac-build validate &lt;bundle&gt;</c>: the bundle is checked against its manifest and the spec
    /// (GAC1800–GAC1806), then validated, gated and published exactly as the second half of
    /// <see cref="RunAsync"/> — the same output lock and atomic commit.
    /// </summary>
    /// <param name="specPath">The spec to validate against; null reads the path the bundle recorded (relative to the bundle).</param>
    public static async Task<PipelineResult> ValidateAsync(
        string bundleFolder,
        string? specPath = null,
        PipelineOptions? options = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new PipelineOptions();
        var bundle = Bundles.CandidateBundle.Open(bundleFolder, specPath, progress);
        using var run = new RunContext(bundle.Spec, options, progress, cancellationToken);
        run.CheckOutputs(bundle.Files);                                     // the artifact never replaces a bundle file
        foreach (var warning in bundle.Warnings)
        {
            run.Warn(warning);                                              // the compress stage's warnings stay in the report
        }

        return await ValidateStageAsync(run, bundle.Candidate).ConfigureAwait(false);
    }

    /// <summary>Import through the choice of the aligned candidate: everything that needs no GPU.</summary>
    internal static CompressedCandidate CompressStage(RunContext run)
    {
        var model = ModelImport.Load(run);                                  // ONNX → linear layers + groups
        var weightBytes = 4 * model.Inventory.LinearParameters;             // what a phase of a large model leaves behind as garbage, at most
        Core.Memory.LargeObjects.ReleaseAfter(weightBytes);                 // the export's last tensors, before calibration's sessions open
        if (run.Spec.Validation.Fidelity == FidelityMode.Auto
            && LayerwiseValidation.Ahead(run.Spec, BlockwiseChoice.ForFidelity(run, model.File)) is { } ahead)
        {
            run.Warn(ahead);                                                // said now, not after hours of compression (GAC4097)
        }

        var dataFiles = Publish.ExternalDataFiles(model).ToList();
        run.CheckOutputs(dataFiles);                                        // no output replaces a data file the model reads
        var statistics = Calibration.Measure(run, model);                   // per-channel input statistics
        var unconstrained = Compress(run, model, statistics);               // d*, importance, error curves
        var candidates = PlanMeasurement.Candidates(run, model);            // aligned plans to build and measure
        var probe = new CalibrationProbe(run, model, new ModelVariant(ModelVariant.OriginalName, model.Path, model.Inventory.LinearParameters));
        unconstrained = LayerProbe.Measure(run, model, statistics, unconstrained, probe, candidates); // output error of the aligned dims beside d*
        var plan = Alignment.Choose(run, unconstrained, candidates);        // aligned plans, same budget
        var written = ApplyStep.Write(run, model, statistics, plan, final: !PlanSelectionStep.Searches(plan, candidates)); // unaligned + each plan's ONNX
        (plan, var variants) = PlanSelectionStep.Choose(run, model, statistics, plan, written, probe, candidates); // lowest calibration error wins
        Core.Memory.LargeObjects.ReleaseAfter(weightBytes);                 // the variants' conversion garbage, before validation's sessions open
        return new CompressedCandidate(variants, model.InputDomains, CandidatePlan.Of(plan, variants, run.Profile.Multiple), dataFiles);
    }

    /// <summary>Fidelity and latency on the target runtime, the gate, and the atomic publish under the output lock.</summary>
    internal static async Task<PipelineResult> ValidateStageAsync(RunContext run, CompressedCandidate candidate)
    {
        var validation = Validation.Measure(run, candidate);                // fidelity + latency A/B/C
        var verdict = GateStep.Decide(run, candidate, validation);          // goals → verdict
        return await Publish.CommitAsync(run, candidate, validation, verdict).ConfigureAwait(false);
    }

    /// <summary>
    /// The cheap half: import, calibrate, compress unconstrained and align — no model is written.
    /// <c>gac-build plan gac.yaml</c> prints this.
    /// </summary>
    public static AlignedPlan Plan(
        GacSpec spec,
        PipelineOptions? options = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var run = new RunContext(spec, options ?? new PipelineOptions(), progress, cancellationToken);
        var model = ModelImport.Load(run);
        var statistics = Calibration.Measure(run, model);
        return Alignment.Choose(run, Compress(run, model, statistics));
    }

    /// <summary>The one place the compressor is chosen: the plan's type writes its variants from here on.</summary>
    private static UnconstrainedPlan Compress(
        RunContext run,
        ImportedModel model,
        IReadOnlyDictionary<string, Core.Calibration.ActivationStatistics> statistics)
        => run.Spec.Compress.Method == CompressionMethod.Prune && run.Spec.Compress.Ratio > 0
            ? PruneCompression.Plan(run, model, statistics)
            : LowRankCompression.Plan(run, model, statistics);
}
