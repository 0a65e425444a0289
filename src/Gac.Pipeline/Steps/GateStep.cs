using Gac.Core.Gate;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 7: the spec's goals against what was measured. Speedups and latency use the worst shape
/// bucket, so a candidate must hold its promise at every shape the spec lists.
/// </summary>
public static class GateStep
{
    public static Verdict Decide(RunContext run, CompressedCandidate candidate, ValidationResult validation)
    {
        var goals = run.Spec.Gate;
        var outcome = new MeasuredOutcome(
            SpeedupVsOriginal: WorstSpeedup(validation, ModelVariant.OriginalName),
            SpeedupVsUnaligned: WorstSpeedup(validation, ModelVariant.UnalignedName),
            CandidateP50Ms: validation.Latency.Max(l => l.Variant(ModelVariant.AlignedName).P50Ms),
            RelativeError: validation.AlignedFidelity.RelativeL2Error,
            Cosine: validation.AlignedFidelity.Cosine,
            OriginalPerplexity: validation.AlignedFidelity.PerplexityOriginal,
            CandidatePerplexity: validation.AlignedFidelity.PerplexityCandidate,
            AlignedPercent: candidate.Plan.AlignedPercentAfter,
            Parameters: candidate.Variants.Aligned.LinearParameters);
        var verdict = QualityGate.Evaluate(goals, outcome);
        run.Report("gate", verdict.Accepted ? "accepted" : $"rejected: {string.Join("; ", verdict.Failures.Select(f => f.Reason))}");
        return verdict;
    }

    private static SpeedupMeasurement? WorstSpeedup(ValidationResult validation, string baseline)
        => validation.Latency
            .Select(l => l.Speedup(ModelVariant.AlignedName, baseline))
            .Where(s => s is not null)
            .MinBy(s => s!.Ratio)?
            .ToMeasurement();
}
