using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Gate;

/// <summary>
/// Decides whether a candidate is accepted. Pure: no IO, no clock. (Named QualityGate, not Gate,
/// because a type named like its namespace cannot be referred to from inside Gac.Core.)
/// </summary>
public static class QualityGate
{
    public static Verdict Evaluate(GateGoals goals, MeasuredOutcome measured)
    {
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(measured);
        if (goals.IsEmpty)
        {
            throw GacException.Create(DiagnosticCatalogue.GateHasNoGoals, GateHasNoGoalsMessage);
        }

        var results = new List<GoalResult>();

        if (goals.MinSpeedupVsOriginal is { } vsOriginal)
        {
            results.Add(Speedup("speedup vs original", vsOriginal, measured.SpeedupVsOriginal, goals.SpeedupJudgedOn));
        }

        if (goals.MinSpeedupVsUnaligned is { } vsUnaligned)
        {
            results.Add(Speedup("speedup vs unaligned", vsUnaligned, measured.SpeedupVsUnaligned, goals.SpeedupJudgedOn));
        }

        if (goals.MaxP50LatencyMs is { } maxP50)
        {
            results.Add(AtMost("p50 latency", maxP50, measured.CandidateP50Ms, "ms", "0.###"));
        }

        if (goals.MaxRelativeError is { } maxError)
        {
            results.Add(AtMost("relative error", maxError, measured.RelativeError, string.Empty, "0.#####"));
        }

        if (goals.MinCosine is { } minCosine)
        {
            results.Add(AtLeast("cosine similarity", minCosine, measured.Cosine, string.Empty, "0.######"));
        }

        if (goals.MaxPerplexityIncrease is { } maxIncrease)
        {
            results.Add(PerplexityIncrease(maxIncrease, measured.OriginalPerplexity, measured.CandidatePerplexity));
        }

        if (goals.MaxBlockRelativeError is { } maxBlockError)
        {
            results.Add(AtMost("block relative error (worst block, layer-wise)", maxBlockError, measured.WorstBlockRelativeError, string.Empty, "0.#####"));
        }

        if (goals.MinAlignedPercent is { } minAligned)
        {
            results.Add(AtLeast("aligned dimensions", minAligned, measured.AlignedPercent, "%", "0.#"));
        }

        if (goals.MaxParameters is { } maxParameters)
        {
            results.Add(AtMost("parameters", maxParameters, measured.Parameters, string.Empty, "#,0"));
        }

        return new Verdict(results, goals.SpeedupJudgedOn);
    }

    /// <summary>What GAC0070 says wherever an empty gate is caught (check, run, the gate itself).</summary>
    public const string GateHasNoGoalsMessage =
        "the gate has no goals, so it would accept any result, however broken. Set at least one goal under gate: "
        + "a quality bound (max_perplexity_increase for language models with calibration.tokens, else min_cosine or max_relative_error), "
        + "min_aligned_percent, and on a GPU min_speedup_vs_unaligned: 1.0 with speedup_judged_on: ci-upper; `gac-build init` writes such a gate.";

    /// <summary>The smallest acceptable ratio: an absolute threshold is the ratio itself; "20%" means 1.20.</summary>
    public static double RequiredRatio(Threshold threshold) => threshold.AsSpeedupFactor();

    private static GoalResult Speedup(string name, Threshold threshold, SpeedupMeasurement? measurement, SpeedupEvidence evidence)
    {
        var required = RequiredRatio(threshold);
        var target = Invariant($"≥ {required:0.###}×") + (threshold.IsPercent ? $" ({threshold})" : string.Empty);
        if (measurement is null)
        {
            return NotMeasured(name, target);
        }

        var (compared, what) = evidence switch
        {
            SpeedupEvidence.CiLower => (measurement.CiLow, "95% CI lower bound"),
            SpeedupEvidence.CiUpper => (measurement.CiHigh, "95% CI upper bound"),
            _ => (measurement.Ratio, "median ratio"),
        };
        var measuredText = Invariant($"{measurement.Ratio:0.###}× [{measurement.CiLow:0.###}, {measurement.CiHigh:0.###}]");
        var passed = compared >= required;
        var reason = Invariant($"{what} {compared:0.###}× {(passed ? "≥" : "<")} {required:0.###}×");
        return new GoalResult(name, target, measuredText, passed ? GoalStatus.Passed : GoalStatus.Failed, reason);
    }

    private static GoalResult PerplexityIncrease(Threshold threshold, double? original, double? candidate)
    {
        const string name = "perplexity increase";
        var target = threshold.IsPercent ? $"≤ +{threshold}" : Invariant($"≤ +{threshold.Value:0.###}");
        if (original is not { } before || candidate is not { } after)
        {
            return NotMeasured(name, target);
        }

        var increase = threshold.IsPercent ? (after / before - 1) * 100 : after - before;
        var unit = threshold.IsPercent ? "%" : string.Empty;
        var passed = increase <= threshold.Value;
        var measuredText = Invariant($"{before:0.###} → {after:0.###} ({increase:+0.###;-0.###;0}{unit})");
        var reason = Invariant($"increase {increase:+0.###;-0.###;0}{unit} {(passed ? "≤" : ">")} {threshold.Value:0.###}{unit}");
        return new GoalResult(name, target, measuredText, passed ? GoalStatus.Passed : GoalStatus.Failed, reason);
    }

    private static GoalResult AtMost(string name, double limit, double? value, string unit, string format)
    {
        var target = "≤ " + Format(limit, format) + unit;
        if (value is not { } v)
        {
            return NotMeasured(name, target);
        }

        var passed = v <= limit;
        var reason = $"{Format(v, format)}{unit} {(passed ? "≤" : ">")} {Format(limit, format)}{unit}";
        return new GoalResult(name, target, Format(v, format) + unit, passed ? GoalStatus.Passed : GoalStatus.Failed, reason);
    }

    private static GoalResult AtLeast(string name, double limit, double? value, string unit, string format)
    {
        var target = "≥ " + Format(limit, format) + unit;
        if (value is not { } v)
        {
            return NotMeasured(name, target);
        }

        var passed = v >= limit;
        var reason = $"{Format(v, format)}{unit} {(passed ? "≥" : "<")} {Format(limit, format)}{unit}";
        return new GoalResult(name, target, Format(v, format) + unit, passed ? GoalStatus.Passed : GoalStatus.Failed, reason);
    }

    private static GoalResult NotMeasured(string name, string target)
        => new(name, target, "not measured", GoalStatus.NotMeasured,
            $"requested but not measured in this run ({DiagnosticCatalogue.GoalNotMeasured.Code})");

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
