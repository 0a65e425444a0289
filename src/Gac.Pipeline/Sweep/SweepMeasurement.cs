using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Core.Sweep;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;

namespace Gac.Pipeline.Sweep;

/// <summary>
/// Quality and latency of every swept variant with validation's own measures: the original's outputs
/// on the held-out data (calibration.text's held-out windows, or the spec's held-out source) are
/// recorded once and every variant is compared with them; latency is timed per ratio as
/// original / unaligned / aligned interleaved in one process (as a run validates), so each ratio's
/// speedups cancel machine drift, with the original kept open across ratios; a model exported with a
/// k/v cache (model.past_kv) also has one decode step timed per ratio, as validation times it.
/// </summary>
internal static class SweepMeasurement
{
    public sealed record Measured(
        string Provider, string Bucket, SweepQuality Quality, SweepOriginal Original, IReadOnlyList<SweepPoint> Points);

    /// <param name="plans">The aligned plan of each ratio, in <paramref name="ratios"/> order.</param>
    /// <param name="written">Unaligned then aligned variant of each ratio, in the same order.</param>
    public static Measured Measure(
        RunContext run, ImportedModel model, IReadOnlyList<double> ratios, IReadOnlyList<AlignedPlan> plans, IReadOnlyList<ModelVariant> written)
    {
        var sessions = run.Sessions;
        var provider = sessions.ResolveProvider();
        using var original = sessions.Open(model.Path, ModelVariant.OriginalName);
        var buckets = Validation.Buckets(run, original.Signature);
        var decode = DecodeLatency.BucketFor(original.Signature, buckets[0]);
        var fidelity = Validation.FidelityFor(run, model.InputDomains, original.Signature, buckets[0]);
        run.Report("sweep", $"quality on {fidelity.Samples} held-out samples ({buckets[0]}), latency on {provider}");
        var reference = FidelityEvaluator.Record(original, fidelity, run.CancellationToken);
        var benchmark = new LatencyBenchmark(new BenchmarkSettings(
            Warmup: run.Spec.Validation.Warmup,
            Iterations: run.Options.Iterations ?? run.Spec.Validation.Iterations,
            Inputs: InputSources.HeldOut(run, model.InputDomains)));

        SweepQuality? quality = null;
        double originalQuality = 0;
        var originalTimes = new List<double>();
        var originalDecode = new List<double>();
        var points = new List<SweepPoint>();
        for (var i = 0; i < ratios.Count; i++)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            using var unaligned = sessions.Open(written[2 * i].Path, ModelVariant.UnalignedName);
            using var aligned = sessions.Open(written[(2 * i) + 1].Path, ModelVariant.AlignedName);
            var unalignedFidelity = FidelityEvaluator.Evaluate(reference, unaligned, run.CancellationToken);
            var alignedFidelity = FidelityEvaluator.Evaluate(reference, aligned, run.CancellationToken);
            quality ??= QualityOf(alignedFidelity);
            originalQuality = OriginalQuality(quality, alignedFidelity);
            run.Report("sweep", $"ratio {ratios[i]:0.###}: timing original, unaligned and {plans[i].Strategy}");
            var latency = benchmark.Measure([original, unaligned, aligned], buckets, null, run.CancellationToken);
            originalTimes.Add(latency.Max(l => l.Variant(ModelVariant.OriginalName).P50Ms));

            // A decode-ready model (k/v cache) also times one generation step, as validation does.
            var step = decode is { } d
                ? DecodeLatency.Measure(run, model.InputDomains, d, (timer, bucket) => timer.Measure([original, unaligned, aligned], [bucket], null, run.CancellationToken))[0]
                : null;
            if (step is not null)
            {
                originalDecode.Add(DecodeP50(step, ModelVariant.OriginalName)!.Value);
            }

            var unalignedPoint = Variant(
                run, ModelVariant.UnalignedName, written[2 * i], plans[i].UnalignedRanks, model, unalignedFidelity, quality, latency, DecodeP50(step, ModelVariant.UnalignedName), null);
            var verdict = QualityGate.Evaluate(run.Spec.Gate, Outcome(plans[i], written[(2 * i) + 1], alignedFidelity, latency));
            var alignedPoint = Variant(
                run, plans[i].Strategy, written[(2 * i) + 1], plans[i].AlignedRanks, model, alignedFidelity, quality, latency, DecodeP50(step, ModelVariant.AlignedName), verdict);
            points.Add(new SweepPoint(ratios[i], unalignedPoint, alignedPoint));
        }

        // The original is timed beside every ratio; its median over those runs is the reference.
        var originalP50 = originalTimes.Order().ElementAt(originalTimes.Count / 2);
        double? originalDecodeP50 = originalDecode.Count == 0 ? null : originalDecode.Order().ElementAt(originalDecode.Count / 2);
        var summary = new SweepOriginal(model.Inventory.LinearParameters, originalQuality, originalP50, originalDecodeP50);
        return new Measured(provider.ToString().ToLowerInvariant(), string.Join(", ", buckets.Select(b => b.ToString())), quality!, summary, points);
    }

    private static double? DecodeP50(Core.Reports.LatencySection? step, string variant)
        => step?.Variants.Single(v => v.Variant == variant).P50Ms;

    /// <summary>Perplexity for language models, sentence cosine for pooled encoders, else the compared output's relative error.</summary>
    private static SweepQuality QualityOf(FidelitySection fidelity)
        => fidelity.PerplexityCandidate is not null ? new SweepQuality(SweepQuality.Perplexity, false, fidelity.Samples)
            : fidelity.SentenceCosine is not null ? new SweepQuality(SweepQuality.SentenceCosine, true, fidelity.Samples)
            : new SweepQuality(SweepQuality.RelativeError, false, fidelity.Samples);

    private static double QualityValue(SweepQuality quality, FidelitySection fidelity) => quality.Metric switch
    {
        SweepQuality.Perplexity => fidelity.PerplexityCandidate!.Value,
        SweepQuality.SentenceCosine => fidelity.SentenceCosine!.Value,
        _ => fidelity.RelativeL2Error,
    };

    /// <summary>The original against itself: its own perplexity, cosine 1, relative error 0.</summary>
    private static double OriginalQuality(SweepQuality quality, FidelitySection fidelity) => quality.Metric switch
    {
        SweepQuality.Perplexity => fidelity.PerplexityOriginal!.Value,
        SweepQuality.SentenceCosine => 1.0,
        _ => 0.0,
    };

    /// <summary>What the gate reads, as <see cref="GateStep"/> builds it: worst speedup and slowest p50 over the shapes.</summary>
    private static MeasuredOutcome Outcome(AlignedPlan plan, ModelVariant variant, FidelitySection fidelity, IReadOnlyList<LatencyResult> latency)
        => new(
            SpeedupVsOriginal: Worst(latency, ModelVariant.OriginalName),
            SpeedupVsUnaligned: Worst(latency, ModelVariant.UnalignedName),
            CandidateP50Ms: latency.Max(l => l.Variant(ModelVariant.AlignedName).P50Ms),
            RelativeError: fidelity.RelativeL2Error,
            Cosine: fidelity.Cosine,
            OriginalPerplexity: fidelity.PerplexityOriginal,
            CandidatePerplexity: fidelity.PerplexityCandidate,
            AlignedPercent: plan.AlignedPercentAfter,
            Parameters: variant.LinearParameters);

    private static SpeedupMeasurement? Worst(IReadOnlyList<LatencyResult> latency, string baseline)
        => latency.Select(l => l.Speedup(ModelVariant.AlignedName, baseline)).Where(s => s is not null).MinBy(s => s!.Ratio)?.ToMeasurement();

    private static SweepVariant Variant(
        RunContext run, string name, ModelVariant variant, IReadOnlyDictionary<string, int?> ranks, ImportedModel model,
        FidelitySection fidelity, SweepQuality quality, IReadOnlyList<LatencyResult> latency, double? decodeP50Ms, Verdict? verdict)
    {
        var session = name == ModelVariant.UnalignedName ? ModelVariant.UnalignedName : ModelVariant.AlignedName;
        var slowest = latency.MaxBy(l => l.Variant(session).P50Ms)!;
        var timings = slowest.Variant(session);
        var speedup = slowest.Speedup(session, ModelVariant.OriginalName)?.Ratio ?? double.NaN;
        var multiple = run.Spec.Alignment.Profile.Multiple;
        var compressed = ranks.Values.Count(r => r is not null);
        var alignedCount = ranks.Values.Count(r => r is { } rank && rank % multiple == 0);
        return new SweepVariant(
            name,
            variant.LinearParameters,
            100.0 * variant.LinearParameters / model.Inventory.LinearParameters,
            alignedCount,
            compressed,
            QualityValue(quality, fidelity),
            timings.P50Ms,
            timings.P50CiLowMs,
            timings.P50CiHighMs,
            speedup,
            decodeP50Ms,
            false,
            false,
            verdict?.Accepted,
            verdict is null ? [] : verdict.Failures.Select(f => $"{f.Name}: {f.Reason}").ToList());
    }
}
