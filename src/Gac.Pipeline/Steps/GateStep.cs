using Gac.Core.Diagnostics;
using Gac.Core.Gate;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 7: the spec's goals against what was measured. Speedups and latency use the worst shape
/// bucket, so a candidate must hold its promise at every shape the spec lists. A layer-wise validation
/// measured no end-to-end number: its goals on such numbers are not measured (GAC4094), so the candidate
/// is rejected — never judged on a block's number in place of the model's. Its own quality goal is
/// max_block_relative_error (the worst block), which an end-to-end validation in turn does not measure (GAC4096).
/// </summary>
public static class GateStep
{
    public static Verdict Decide(RunContext run, CompressedCandidate candidate, ValidationResult validation)
    {
        var goals = run.Spec.Gate;
        var outcome = new MeasuredOutcome(
            SpeedupVsOriginal: WorstSpeedup(validation, ModelVariant.OriginalName),
            SpeedupVsUnaligned: WorstSpeedup(validation, ModelVariant.UnalignedName),
            CandidateP50Ms: validation.Latency.Count == 0 ? null : validation.Latency.Max(l => l.Variant(ModelVariant.AlignedName).P50Ms),
            RelativeError: validation.AlignedFidelity?.RelativeL2Error,
            Cosine: validation.AlignedFidelity?.Cosine,
            OriginalPerplexity: validation.AlignedFidelity?.PerplexityOriginal,
            CandidatePerplexity: validation.AlignedFidelity?.PerplexityCandidate,
            AlignedPercent: candidate.Plan.AlignedPercentAfter,
            Parameters: candidate.Variants.Aligned.LinearParameters,
            WorstBlockRelativeError: WorstBlock(validation));
        var verdict = QualityGate.Evaluate(goals, outcome);
        if (validation.LayerWise && LayerwiseValidation.EndToEndGoals(goals) is { Count: > 0 } unmeasurable)
        {
            run.Warn(new Diagnostic(DiagnosticCatalogue.GoalNotMeasuredLayerWise,
                $"gate: {string.Join(", ", unmeasurable)} not measured: validated layer-wise ({validation.Scope.Reason}), which measures no end-to-end " +
                    "number; the candidate is rejected."));
            verdict = new Verdict(
                [.. verdict.Goals.Select(g => g.Status == GoalStatus.NotMeasured
                    ? g with { Reason = $"validated layer-wise: no end-to-end number measured ({DiagnosticCatalogue.GoalNotMeasuredLayerWise.Code})" }
                    : g)],
                verdict.SpeedupJudgedOn);
        }
        else if (!validation.LayerWise && goals.MaxBlockRelativeError is not null)
        {
            verdict = new Verdict(
                [.. verdict.Goals.Select(g => g.Status == GoalStatus.NotMeasured && g.Name.StartsWith("block relative error", StringComparison.Ordinal)
                    ? g with { Reason = $"validated end to end: no block error measured ({DiagnosticCatalogue.BlockGoalNeedsLayerwiseValidation.Code})" }
                    : g)],
                verdict.SpeedupJudgedOn);
        }

        run.Report("gate", verdict.Accepted ? "accepted" : $"rejected: {string.Join("; ", verdict.Failures.Select(f => f.Reason))}");
        return verdict;
    }

    /// <summary>The gac candidate's largest block error; NaN when any block diverged (the goal then fails); null when not validated layer-wise.</summary>
    private static double? WorstBlock(ValidationResult validation)
        => validation.FidelityLayers is { Blocks.Count: > 0 } layers
            ? layers.Blocks.Select(b => b.Aligned.RelativeL2Error)
                .Aggregate((a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b))
            : null;

    private static SpeedupMeasurement? WorstSpeedup(ValidationResult validation, string baseline)
        => validation.Latency
            .Select(l => l.Speedup(ModelVariant.AlignedName, baseline))
            .Where(s => s is not null)
            .MinBy(s => s!.Ratio)?
            .ToMeasurement();
}
