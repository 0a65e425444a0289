using System.Globalization;
using System.Text;

namespace Gac.Core.Reports;

/// <summary>The Markdown report's statement of what validation measured, and the block latency of a layer-wise run.</summary>
internal static class LayerwiseMarkdown
{
    /// <summary>Said only when the scope is not the whole model: a layer-wise report must not read as an end-to-end one.</summary>
    public static void Scope(StringBuilder md, RunReport report)
    {
        if (report.ValidationScope is not { Scope: ValidationScopeSection.LayerWise } scope)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine($"**Validated layer-wise, not end to end** ({scope.Reason}): no model was run whole; each block of a candidate was fed the original's " +
            "input to that block. Not measured: " + string.Join(", ", scope.NotMeasured) + ".");
    }

    public static void BlockLatency(StringBuilder md, RunReport report)
    {
        if (report.BlockLatency is not { } block)
        {
            return;
        }

        var section = block.Latency;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Block latency — {block.Block} ({section.Bucket})");
        md.AppendLine();
        md.AppendLine(block.Scope);
        md.AppendLine();
        md.AppendLine("| variant | p50 ms | p90 ms | p99 ms | mean ms | block speedup vs original |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var variant in section.Variants)
        {
            var speedup = section.Speedups.FirstOrDefault(s => s.Candidate == variant.Variant && s.Baseline == "original");
            var speedupText = variant.Variant == "original" ? "1×" : speedup is null ? "—" : Ratio(speedup);
            md.AppendLine(Invariant($"| {variant.Variant} | {variant.P50Ms:0.000} | {variant.P90Ms:0.000} | {variant.P99Ms:0.000} | ") +
                Invariant($"{variant.MeanMs:0.000} | {speedupText} |"));
        }

        foreach (var other in section.Speedups.Where(s => s.Baseline != "original"))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"{other.Candidate} vs {other.Baseline} (block speedup): {Ratio(other)}");
        }
    }

    private static string Ratio(SpeedupEntry s) => Invariant($"{s.Ratio:0.000}× [{s.CiLow:0.000}, {s.CiHigh:0.000}]");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
