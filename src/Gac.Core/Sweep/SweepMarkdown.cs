using System.Globalization;
using System.Text;

namespace Gac.Core.Sweep;

/// <summary>
/// gac.sweep.md: one row per variant, the Pareto fronts marked (★ quality–latency, ◆ quality–parameters),
/// the gate's verdict on each aligned variant, and the recommended ratio.
/// </summary>
public static class SweepMarkdown
{
    public const string FileName = "gac.sweep.md";

    public static string Render(SweepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var q = report.Quality;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# Budget sweep: {report.Model}, {report.Method} + {report.Strategy}"));
        text.AppendLine();
        text.AppendLine(Invariant($"{report.Points.Count} ratios, {report.Provider}, {report.LatencyBucket}, {report.Iterations} timed iterations per variant; ") +
            Invariant($"quality: {q.Metric} on {q.Samples} held-out samples ({(q.HigherIsBetter ? "higher" : "lower")} is better). ") +
            Invariant($"One calibration pass; {report.Reuse.Layers} layers, {report.Reuse.Decompositions} decompositions for {report.Reuse.Variants} variants."));
        text.AppendLine();
        var decode = report.Original.DecodeP50Ms is not null;
        text.AppendLine(Invariant($"| ratio | variant | linear params | of original | dims aligned to {report.AlignmentMultiple} | {q.Metric} | p50 ms [95% CI] | speedup vs original |{(decode ? " decode p50 ms |" : string.Empty)} Pareto | gate |"));
        text.AppendLine("|---:|:---|---:|---:|---:|---:|---:|---:|" + (decode ? "---:|" : string.Empty) + ":---:|:---|");
        var o = report.Original;
        text.AppendLine(Invariant($"| — | original | {o.LinearParameters:N0} | 100.0% | — | {Quality(o.Quality)} | {o.P50Ms:0.000} | 1× |{(decode ? Invariant($" {o.DecodeP50Ms:0.000} |") : string.Empty)} | |"));
        foreach (var point in report.Points)
        {
            foreach (var v in new[] { point.Unaligned, point.Aligned })
            {
                var gate = v.PassesGate switch
                {
                    true => "✅ passes",
                    false => "❌ " + string.Join("; ", v.GateFailures),
                    null => "—",
                };
                var recommended = v == point.Aligned && point.Ratio == report.Recommendation.SmallestRatio ? " **recommended**" : string.Empty;
                text.AppendLine(Invariant(
                    $"| {point.Ratio:0.###} | {v.Name}{recommended} | {v.LinearParameters:N0} | {v.PercentOfOriginal:0.0}% | {v.AlignedLayers} of {v.CompressedLayers} ({v.AlignedPercent:0.#}%) | {Quality(v.Quality)} | {v.P50Ms:0.000} [{v.P50CiLowMs:0.000}, {v.P50CiHighMs:0.000}] | {v.SpeedupVsOriginal:0.00}× |{(decode ? Invariant($" {v.DecodeP50Ms:0.000} |") : string.Empty)} {Fronts(v)} | {gate} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("Pareto: ★ on the quality–latency front, ◆ on the quality–parameters front (among the compressed variants: no other is at least as good in both and better in one).");
        text.AppendLine();
        var r = report.Recommendation;
        text.AppendLine(r.SmallestRatio is { } smallest
            ? Invariant($"**Recommended ratio: {smallest:0.###}** (the smallest aligned variant that passes the gate; fastest passing: ratio {r.FastestRatio:0.###}). {r.Reason}.")
            : $"**No ratio recommended:** {r.Reason}.");
        foreach (var warning in report.Warnings)
        {
            text.AppendLine();
            text.AppendLine("> " + warning);
        }

        return text.ToString();
    }

    private static string Fronts(SweepVariant v)
        => (v.ParetoQualityLatency ? "★" : string.Empty) + (v.ParetoQualityParameters ? "◆" : string.Empty);

    private static string Quality(double value) => value.ToString(Math.Abs(value) >= 1 ? "0.000" : "0.0000", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
