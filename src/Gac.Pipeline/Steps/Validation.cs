using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Hardware;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 6: prove the candidate on the target runtime. Fidelity on held-out inputs (a seed apart from
/// calibration's), then latency of original, unaligned and aligned measured interleaved in one
/// process, so machine drift affects all three alike.
/// </summary>
public static class Validation
{
    public static ValidationResult Measure(RunContext run, ImportedModel model, ModelVariants variants)
    {
        var sessions = run.Sessions;
        var provider = sessions.ResolveProvider();
        run.Report("validate", $"ONNX Runtime on {provider}");
        using var original = sessions.Open(variants.Original.Path, ModelVariant.OriginalName);
        using var unaligned = sessions.Open(variants.Unaligned.Path, ModelVariant.UnalignedName);
        using var aligned = sessions.Open(variants.Aligned.Path, ModelVariant.AlignedName);

        var buckets = run.Spec.Validation.Shapes
            .Select(shape => ShapeBuckets.Complete(original.Session, shape, calibrationInputs: run.Spec.Calibration.Inputs))
            .DefaultIfEmpty(ShapeBuckets.Complete(original.Session, run.Spec.Calibration.Dims, calibrationInputs: run.Spec.Calibration.Inputs))
            .ToList();
        var fidelity = FidelityFor(run, original.Session, buckets[0]);
        run.Report("validate", $"fidelity on {fidelity.Samples} held-out inputs ({buckets[0]}){(fidelity.TokenIdsInput is null ? string.Empty : ", perplexity on held-out token windows")}");
        var alignedFidelity = FidelityEvaluator.Evaluate(original, aligned, fidelity, run.CancellationToken);
        var unalignedFidelity = FidelityEvaluator.Evaluate(original, unaligned, fidelity, run.CancellationToken);

        var settings = new BenchmarkSettings(
            Warmup: run.Spec.Validation.Warmup,
            Iterations: run.Options.Iterations ?? run.Spec.Validation.Iterations,
            VocabSize: CalibrationFeeds.GeneratedVocabulary);
        var progress = new Progress<BenchmarkProgress>(p => run.Report("latency", $"{p.Bucket} {p.Phase} {p.Completed}/{p.Total}"));
        var latency = new LatencyBenchmark(settings).Measure([original, unaligned, aligned], buckets, progress, run.CancellationToken);
        return new ValidationResult(provider, HardwareFingerprint.Capture(provider), alignedFidelity, unalignedFidelity, latency);
    }

    /// <summary>
    /// Held-out token windows of calibration.tokens (after the calibration windows) for a language
    /// model, with perplexity; seeded random inputs (a seed apart from calibration's) otherwise.
    /// </summary>
    private static FidelitySettings FidelityFor(RunContext run, Microsoft.ML.OnnxRuntime.InferenceSession session, ShapeBucket bucket)
    {
        var calibration = run.Spec.Calibration;
        var heldout = run.Spec.Validation.HeldoutSamples;
        if (calibration.Source != Core.Spec.CalibrationSource.Tokens)
        {
            return new FidelitySettings(bucket, Samples: heldout, Seed: calibration.Seed + 1_000_003, VocabSize: CalibrationFeeds.GeneratedVocabulary);
        }

        var windows = CalibrationFeeds.TokenWindows(calibration, session, bucket, skip: calibration.Samples, count: heldout);
        if (windows.Count == 0)
        {
            throw Core.Diagnostics.GacException.Create(
                Core.Diagnostics.DiagnosticCatalogue.CalibrationDataMalformed,
                $"'{calibration.Tokens!.Text}' has no token window left for validation after the {calibration.Samples} calibration windows of shape {bucket}; add text or lower calibration.samples.",
                new Core.Diagnostics.SourceLocation(calibration.Tokens.Text));
        }

        return new FidelitySettings(bucket, Samples: windows.Count, TokenIdsInput: CalibrationFeeds.TokenInput(session), Inputs: s => windows[s]());
    }
}
