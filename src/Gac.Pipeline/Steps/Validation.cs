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
        var fidelity = new FidelitySettings(buckets[0], Samples: run.Spec.Validation.HeldoutSamples, Seed: run.Spec.Calibration.Seed + 1_000_003, VocabSize: CalibrationFeeds.GeneratedVocabulary);
        run.Report("validate", $"fidelity on {fidelity.Samples} held-out inputs ({buckets[0]})");
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
}
