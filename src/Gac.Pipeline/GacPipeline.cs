using Gac.Core.Spec;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline;

/// <summary>
/// The one pipeline both hosts call. Each step takes what the previous one produced and returns
/// something new; nothing is written to the export path until the gate accepts the result.
/// </summary>
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

        var model = ModelImport.Load(run);                                  // ONNX → linear layers + groups
        run.CheckOutputs(Publish.ExternalDataFiles(model));                 // no output replaces a data file the model reads
        var statistics = Calibration.Measure(run, model);                   // per-channel input statistics
        var unconstrained = Compress(run, model, statistics);               // d*, importance, error curves
        var candidates = PlanMeasurement.Candidates(run, model);            // aligned plans to build and measure
        var probe = new CalibrationProbe(run, model, new ModelVariant(ModelVariant.OriginalName, model.Path, model.Inventory.LinearParameters));
        unconstrained = LayerProbe.Measure(run, model, statistics, unconstrained, probe, candidates); // output error of the aligned dims beside d*
        var plan = Alignment.Choose(run, unconstrained, candidates);        // aligned plans, same budget
        var written = plan.Unconstrained.IsPruning                          // unaligned + each aligned plan's ONNX
            ? PruneApply.Write(run, model, plan)
            : LowRankApply.Write(run, model, statistics, plan);
        (plan, var variants) = PlanSelectionStep.Choose(run, model, statistics, plan, written, probe, candidates); // lowest calibration error wins
        var validation = Validation.Measure(run, model, variants);          // fidelity + latency A/B/C
        var verdict = GateStep.Decide(run, plan, variants, validation);     // goals → verdict
        return await Publish.CommitAsync(run, model, plan, variants, validation, verdict).ConfigureAwait(false);
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

    private static UnconstrainedPlan Compress(
        RunContext run,
        ImportedModel model,
        IReadOnlyDictionary<string, Core.Calibration.ActivationStatistics> statistics)
        => run.Spec.Compress.Method == CompressionMethod.Prune && run.Spec.Compress.Ratio > 0
            ? PruneCompression.Plan(run, model, statistics)
            : LowRankCompression.Plan(run, model, statistics);
}
