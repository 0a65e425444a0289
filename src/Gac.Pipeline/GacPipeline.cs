using Gac.Core.Spec;
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
        using var run = new RunContext(spec, options, progress, cancellationToken);

        var model = ModelImport.Load(run);                                  // ONNX → linear layers + groups
        var statistics = Calibration.Measure(run, model);                   // per-channel input statistics
        var unconstrained = LowRankCompression.Plan(run, model, statistics); // d*, importance, error curves
        var plan = Alignment.Choose(run, unconstrained);                    // aligned dims, same budget
        var variants = LowRankApply.Write(run, model, statistics, plan);    // unaligned + aligned ONNX
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
        var unconstrained = LowRankCompression.Plan(run, model, statistics);
        return Alignment.Choose(run, unconstrained);
    }
}
