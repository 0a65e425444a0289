using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Pipeline.Inspection;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;


namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 6: prove the candidate on the target runtime. Fidelity on held-out inputs (a seed apart from
/// calibration's; the original's outputs recorded once), then latency of original, unaligned and
/// aligned measured interleaved in one process, so machine drift affects all three alike — or, for
/// models too large to hold three times (validation.sessions), each loaded, measured and released in turn.
/// A model that does not fit at all (or validation.fidelity: layer-wise) is validated block by block instead (<see cref="LayerwiseValidation"/>).
/// </summary>
public static class Validation
{
    public static ValidationResult Measure(RunContext run, CompressedCandidate candidate)
    {
        Bf16Sessions.ThrowIfValidatedOnCpu(run);
        var original = Gac.Onnx.OnnxModelFile.Load(candidate.Variants.Original.Path);
        var choice = BlockwiseChoice.ForFidelity(run, original);
        run.Report("validate", $"layer-wise: {(choice.BlockWise ? "yes, no model is run whole" : "no")} ({choice.Reason})");
        if (choice.BlockWise)
        {
            return LayerwiseValidation.Measure(run, candidate, original, choice.Reason);
        }

        return MeasureWhole(run, candidate) with { Scope = new ValidationScopeSection(ValidationScopeSection.EndToEnd, choice.Reason, []) };
    }

    private static ValidationResult MeasureWhole(RunContext run, CompressedCandidate candidate)
    {
        var variants = candidate.Variants;
        var domains = candidate.InputDomains;
        var sessions = run.Sessions;
        var provider = sessions.ResolveProvider();
        var oneAtATime = OneAtATime(run, variants);
        run.Report("validate", $"ONNX Runtime on {provider}{(oneAtATime ? ", one model at a time" : string.Empty)}");
        if (oneAtATime)
        {
            run.Warn(new Core.Diagnostics.Diagnostic(
                Core.Diagnostics.DiagnosticCatalogue.ValidatedOneAtATime,
                $"Validated one model at a time ({Gigabytes(WeightBytes(variants))} of weights in the three models, {Gigabytes(AvailableMemory())} of memory " +
                    $"available): latency timed in blocks, not interleaved."));
        }

        // The original is loaded for shapes and its reference outputs, then released (one at a time) or kept for timing.
        var original = sessions.Open(variants.Original.Path, ModelVariant.OriginalName);
        List<ShapeBucket> buckets;
        (ShapeBucket Bucket, int Context, int Batch)? decode;
        ReferenceOutputs reference;
        try
        {
            buckets = Buckets(run, original.Signature);
            decode = DecodeLatency.BucketFor(original.Signature, buckets[0]);
            var fidelity = FidelityFor(run, domains, original.Signature, buckets[0]);
            run.Report("validate", $"fidelity on {fidelity.Samples} held-out inputs " +
                $"({buckets[0]}){(fidelity.TokenIdsInput is null ? string.Empty : ", perplexity on held-out token windows")}");
            reference = FidelityEvaluator.Record(original, fidelity, run.CancellationToken);
        }
        catch
        {
            original.Dispose();
            throw;
        }

        // Timed runs are fed the held-out source's first sample: the data fidelity was measured on.
        var settings = new BenchmarkSettings(
            Warmup: run.Spec.Validation.Warmup,
            Iterations: run.Options.Iterations ?? run.Spec.Validation.Iterations,
            Inputs: InputSources.HeldOut(run, domains));
        var progress = new Progress<BenchmarkProgress>(p => run.Report("latency", $"{p.Bucket} {p.Phase} {p.Completed}/{p.Total}"));
        var benchmark = new LatencyBenchmark(settings);
        if (oneAtATime)
        {
            original.Dispose();
            FidelitySection? alignedFidelity = null;
            FidelitySection? unalignedFidelity = null;
            ReferenceOutputs? alignedOutputs = null;
            OrtSession Candidate(ModelVariant variant, Action<FidelitySection, ReferenceOutputs> fidelity)
            {
                var session = sessions.Open(variant.Path, variant.Name);
                var (result, outputs) = FidelityEvaluator.EvaluateAndRecord(reference, session, run.CancellationToken);
                fidelity(result, outputs);
                return session;
            }

            var latency = benchmark.MeasureOneAtATime(
                [
                    () => sessions.Open(variants.Original.Path, ModelVariant.OriginalName),
                    () => Candidate(variants.Unaligned, (f, _) => unalignedFidelity = f),
                    () => Candidate(variants.Aligned, (f, o) => (alignedFidelity, alignedOutputs) = (f, o)),
                ],
                buckets,
                progress,
                run.CancellationToken);
            var decodeLatency = decode is { } step
                ? DecodeLatency.Measure(run, domains, step, (timer, bucket) => timer.MeasureOneAtATime(
                    [.. variants.All.Select(v => (Func<OrtSession>)(() => sessions.Open(v.Path, v.Name)))], [bucket], progress, run.CancellationToken))
                : [];
            return new ValidationResult(provider, HardwareFingerprint.Capture(provider), alignedFidelity!, unalignedFidelity!, latency,
                alignedOutputs!)
            { DecodeLatency = decodeLatency };
        }

        using (original)
        {
            using var unaligned = sessions.Open(variants.Unaligned.Path, ModelVariant.UnalignedName);
            using var aligned = sessions.Open(variants.Aligned.Path, ModelVariant.AlignedName);
            var (alignedFidelity, alignedOutputs) = FidelityEvaluator.EvaluateAndRecord(reference, aligned, run.CancellationToken);
            var unalignedFidelity = FidelityEvaluator.Evaluate(reference, unaligned, run.CancellationToken);
            var latency = benchmark.Measure([original, unaligned, aligned], buckets, progress, run.CancellationToken);
            var decodeLatency = decode is { } step
                ? DecodeLatency.Measure(run, domains, step, (timer, bucket) => timer.Measure([original, unaligned, aligned], [bucket], progress,
                    run.CancellationToken))
                : [];
            return new ValidationResult(provider, HardwareFingerprint.Capture(provider), alignedFidelity, unalignedFidelity, latency,
                alignedOutputs)
            { DecodeLatency = decodeLatency };
        }
    }

    /// <summary>The shapes validation times: validation.shapes, or calibration.dims when none is listed.</summary>
    internal static List<ShapeBucket> Buckets(RunContext run, SessionSignature session)
        => run.Spec.Validation.Shapes
            .Select(shape => ShapeBuckets.Complete(session, shape, knownShapes: DimBinding.KnownShapes(run.Spec.Calibration), where: "validation.shapes"))
            .DefaultIfEmpty(ShapeBuckets.Complete(session, run.Spec.Calibration.Dims, knownShapes: DimBinding.KnownShapes(run.Spec.Calibration)))
            .ToList();

    /// <summary>
    /// Auto holds the three models together unless their weights exceed half of the memory
    /// available: ONNX Runtime keeps a copy of every weight per session, and calibration
    /// statistics, activations and the runtime itself need the rest.
    /// </summary>
    internal static bool OneAtATime(RunContext run, ModelVariants variants) => run.Spec.Validation.Sessions switch
    {
        ValidationSessions.OneAtATime => true,
        ValidationSessions.Together => false,
        _ => WeightBytes(variants) > AvailableMemory() / 2,
    };

    private static long WeightBytes(ModelVariants variants)
        => variants.All.Sum(v => new FileInfo(v.Path).Length + (v.DataPath is { } data ? new FileInfo(data).Length : 0));

    /// <summary>Physical memory the runtime may use (the container limit where there is one).</summary>
    private static long AvailableMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    private static string Gigabytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");

    /// <summary>
    /// Held-out token windows of calibration.tokens (after the calibration windows) for a language
    /// model, with perplexity; otherwise the held-out samples of the spec's own source
    /// (<see cref="InputSources.HeldOut"/>: generated or calibration.inputs a seed apart, npy reused).
    /// </summary>
    internal static FidelitySettings FidelityFor(RunContext run, Core.Model.InputDomains domains, SessionSignature session, ShapeBucket bucket)
    {
        var calibration = run.Spec.Calibration;
        var heldout = run.Spec.Validation.HeldoutSamples;
        if (calibration.Source == Core.Spec.CalibrationSource.Text)
        {
            var text = (Text.TextInputSource)InputSources.HeldOut(run, domains);
            var feed = text.Feed(session, bucket);
            return new FidelitySettings(
                bucket,
                Samples: Text.RealText.HeldoutSamples(run, feed),
                TokenIdsInput: feed.Roles.IsLanguageModel ? feed.Roles.TokenIds : null,
                Inputs: s => text.Create(session, bucket, s),
                Pooling: Text.RealText.Pooling(run, feed),
                AttentionMaskInput: feed.Roles.AttentionMask);
        }

        if (calibration.Source != Core.Spec.CalibrationSource.Tokens)
        {
            var source = InputSources.HeldOut(run, domains);
            var samples = Math.Min(heldout, source.Count(session, bucket) ?? heldout);
            if (calibration.Source == Core.Spec.CalibrationSource.Npy)
            {
                run.Warn(new Core.Diagnostics.Diagnostic(
                    Core.Diagnostics.DiagnosticCatalogue.ValidationReusesCalibrationData,
                    "Fidelity is measured on the calibration.npy batch calibration used: there is no held-out data."));
            }

            return new FidelitySettings(bucket, Samples: samples, Inputs: s => source.Create(session, bucket, s));
        }

        var windows = CalibrationFeeds.TokenWindows(calibration, session, bucket, skip: calibration.Samples, count: heldout);
        if (windows.Count == 0)
        {
            throw Core.Diagnostics.GacException.Create(
                Core.Diagnostics.DiagnosticCatalogue.CalibrationDataMalformed,
                $"'{calibration.Tokens!.Text}' has no token window left for validation after the {calibration.Samples} calibration windows of shape " +
                    $"{bucket}; add text or lower calibration.samples.",
                new Core.Diagnostics.SourceLocation(calibration.Tokens.Text));
        }

        return new FidelitySettings(bucket, Samples: windows.Count, TokenIdsInput: CalibrationFeeds.TokenInput(session), Inputs: s => windows[s]());
    }
}
