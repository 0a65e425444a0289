using Gac.Core.Diagnostics;
using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Validation of a model that does not fit (or validation.fidelity: layer-wise) without ever opening
/// a whole-model session: fidelity per block (<see cref="LayerwiseFidelity"/>, the epilogue — final
/// norm and head — included, so the logits' error given the original's last hidden state is measured
/// too), latency of one block per model, and the gac candidate's block inputs and outputs recorded for
/// the published artifact's block-by-block check. The end-to-end numbers are not measured: the result
/// leaves them null or empty and says so, and gate goals that need them are refused (GAC4093) or not met (GAC4094).
/// </summary>
public static class LayerwiseValidation
{
    /// <summary>What a layer-wise validation does not measure, as the report's validationScope.notMeasured lists it.</summary>
    public static readonly IReadOnlyList<string> NotMeasured =
        ["end-to-end fidelity (relative error, cosine, top-1 agreement, max abs diff)", "perplexity", "model latency and model speedups"];

    internal static ValidationResult Measure(RunContext run, CompressedCandidate candidate, OnnxModelFile original, string reason)
    {
        var provider = run.Sessions.ResolveProvider();
        run.Warn(new Diagnostic(DiagnosticCatalogue.FidelityLayerWise,
            $"Validated block by block, no model run whole ({reason}): each candidate block fed the original's block input; not measured: " +
                string.Join(", ", NotMeasured) + "."));
        var capture = new LayerwiseCapture(new BenchmarkSettings(
            Warmup: run.Spec.Validation.Warmup,
            Iterations: run.Options.Iterations ?? run.Spec.Validation.Iterations,
            Inputs: InputSources.HeldOut(run, candidate.InputDomains)));
        var layers = LayerwiseFidelity.Measure(run, original, candidate.Variants, candidate.InputDomains, reason, capture);
        if (capture.BlockLatency is null)
        {
            run.Warn(new Diagnostic(DiagnosticCatalogue.BlockLatencyNotMeasured,
                $"No latency measured: the segments are {string.Join(", ", layers.Blocks.Select(b => b.Block))}, none of them a transformer block."));
        }

        return new ValidationResult(provider, HardwareFingerprint.Capture(provider), null, null, [], null)
        {
            FidelityLayers = layers,
            Scope = new ValidationScopeSection(ValidationScopeSection.LayerWise, reason, NotMeasured),
            BlockLatency = capture.BlockLatency,
            AlignedBlocks = capture.AlignedBlocks,
        };
    }

    /// <summary>
    /// GAC4097 when validation.fidelity: auto will validate layer-wise (<paramref name="choice"/>, made on the imported original) while the gate
    /// has end-to-end goals: they would go unmeasured and reject the candidate (GAC4094) only after compression; null otherwise.
    /// </summary>
    public static Diagnostic? Ahead(GacSpec spec, BlockwiseChoice choice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(choice);
        var goals = spec.Validation.Fidelity == FidelityMode.Auto && choice.BlockWise ? EndToEndGoals(spec.Gate) : [];
        return goals.Count == 0 ? null : new Diagnostic(DiagnosticCatalogue.EndToEndGoalsAheadOfLayerwise,
            $"Validation will be layer-wise ({choice.Reason}), so gate goal(s) {string.Join(", ", goals)} will not be measured and the candidate will " +
                "be rejected after compression (GAC4094). Gate on max_block_relative_error, min_aligned_percent or max_parameters, or validate the " +
                "bundle of run --stage compress on a machine that holds the model.");
    }

    /// <summary>The gate goals (as gac.yaml names them) that compare an end-to-end number a layer-wise validation does not measure.</summary>
    public static IReadOnlyList<string> EndToEndGoals(GateGoals goals)
    {
        ArgumentNullException.ThrowIfNull(goals);
        var named = new (object? Goal, string Name)[]
        {
            (goals.MinSpeedupVsOriginal, "min_speedup_vs_original"),
            (goals.MinSpeedupVsUnaligned, "min_speedup_vs_unaligned"),
            (goals.MaxP50LatencyMs, "max_p50_latency_ms"),
            (goals.MaxRelativeError, "max_relative_error"),
            (goals.MinCosine, "min_cosine"),
            (goals.MaxPerplexityIncrease, "max_perplexity_increase"),
        };
        return named.Where(g => g.Goal is not null).Select(g => g.Name).ToList();
    }
}
