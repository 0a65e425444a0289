using Gac.Core.Model;
using Gac.Core.Reports;
using Gac.Pipeline.Inspection;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The latency of one generation step beside the prefill's, for models with a k/v cache: seq = 1
/// new token per sequence over a cache of seq − 1 tokens (the prefill bucket's length, so the step
/// reaches the same last position), timed interleaved across original, unaligned and gac like the
/// prefill. Generation time is mostly such steps: GEMVs over the weights, where alignment helps
/// least (GAC-METHOD.md). The cache and ids are generated (their values do not change the work);
/// the mask is all ones.
/// </summary>
public static class DecodeLatency
{
    /// <summary>The decode bucket for a prefill bucket; null when the model has no cache or the prefill is a single token.</summary>
    public static (ShapeBucket Bucket, int Context, int Batch)? BucketFor(SessionSignature session, ShapeBucket prefill)
    {
        var symbols = session.Inputs.SelectMany(m => m.SymbolicDimensions).Where(s => !string.IsNullOrEmpty(s)).Distinct().ToList();
        var past = symbols.FirstOrDefault(DimBinding.IsPastLength);
        var tokens = session.Inputs.FirstOrDefault(m => m.Element == OnnxDataType.Int64 && m.Rank == 2 && IsTokenIds(m.Name));
        var sequence = tokens?.Symbol(1);
        if (past is null || string.IsNullOrEmpty(sequence) || !prefill.Dimensions.TryGetValue(sequence, out var length) || length < 2
            || prefill.Dimensions.GetValueOrDefault(past) != 0)
        {
            return null;
        }

        var batch = symbols.Where(DimBinding.IsBatch).Select(b => prefill.Dimensions.GetValueOrDefault(b, 1)).DefaultIfEmpty(1).First();
        var given = prefill.Dimensions.Where(d => !DimBinding.IsSum(d.Key)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        given[sequence] = 1;
        given[past] = length - 1;
        return (ShapeBuckets.Complete(session, given), (int)(length - 1), (int)batch);
    }

    /// <param name="measure">Times the variants in the decode bucket with the given benchmark: interleaved, or one at a time as the prefill was.</param>
    public static IReadOnlyList<LatencySection> Measure(
        RunContext run, Core.Model.InputDomains domains, (ShapeBucket Bucket, int Context, int Batch) decode,
            Func<LatencyBenchmark, ShapeBucket, IReadOnlyList<LatencyResult>> measure)
    {
        var settings = new BenchmarkSettings(
            Warmup: run.Spec.Validation.Warmup,
            Iterations: run.Options.Iterations ?? run.Spec.Validation.Iterations,
            Inputs: new GeneratedInputs(domains, run.Spec.Calibration.Seed + InputSources.HeldOutSeedOffset));
        run.Report("latency", $"decode step: 1 token per sequence at context {decode.Context} ({decode.Bucket})");
        return measure(new LatencyBenchmark(settings), decode.Bucket)
            .Select(r => r.ToReport() with { Phase = LatencySection.DecodePhase, ContextLength = decode.Context, TokensPerStep = decode.Batch })
            .ToList();
    }

    private static bool IsTokenIds(string name)
        => Core.Model.IntegerInputDomain.KindFromName(name) == Core.Model.IntegerInputKind.Ids;
}
