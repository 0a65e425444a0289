using System.Globalization;
using System.Text;

namespace Gac.Core.Reports;

/// <summary>
/// The comparison as one table of text cells, rendered as aligned plain text (stdout) or Markdown
/// (compare.md). One place decides the columns so both forms always agree.
/// </summary>
public static class ComparisonTable
{
    public const string MarkdownFileName = "compare.md";

    public static IReadOnlyList<string> Header(ReportComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var multiples = comparison.Reports.Select(r => r.Alignment).Distinct().ToList();
        var header = new List<string>
        {
            "variant",
            "linear params",
            "of original",
            multiples.Count == 1 ? Invariant($"dims aligned to {multiples[0]}") : "dims aligned",
            comparison.PerplexityRecorded ? "perplexity" : "rel. L2 error",
        };
        foreach (var bucket in comparison.Buckets)
        {
            var where = comparison.Buckets.Count > 1 ? $" ({bucket})" : string.Empty;
            header.Add($"p50 ms [95% CI]{where}");
            header.Add($"speedup vs original{where}");
        }

        header.Add("verdict");
        return header;
    }

    public static IReadOnlyList<IReadOnlyList<string>> Cells(ReportComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var oneMultiple = comparison.Reports.Select(r => r.Alignment).Distinct().Count() == 1;
        return comparison.Rows.Select(row =>
        {
            var cells = new List<string>
            {
                row.Label,
                Invariant($"{row.LinearParameters:#,0}"),
                Invariant($"{100.0 * row.LinearParameters / comparison.OriginalLinearParameters:0.0}%"),
                Aligned(row, oneMultiple ? null : comparison.Reports[row.Report].Alignment),
                Fidelity(row, comparison.PerplexityRecorded),
            };
            foreach (var bucket in comparison.Buckets)
            {
                var latency = row.Latency.FirstOrDefault(l => l.Bucket == bucket);
                cells.Add(latency is null ? "—" : Invariant($"{latency.P50Ms:0.000} [{latency.P50CiLowMs:0.000}, {latency.P50CiHighMs:0.000}]{(latency.TokensPerSecond is { } rate ? $", {rate:#,0} tokens/s" : string.Empty)}"));
                cells.Add(row.Variant == "original" ? "1×" : latency?.VsOriginal is { } s ? Invariant($"{s.Ratio:0.00}× [{s.CiLow:0.00}, {s.CiHigh:0.00}]") : "—");
            }

            cells.Add(row.Verdict ?? "—");
            return (IReadOnlyList<string>)cells;
        }).ToList();
    }

    /// <summary>Columns padded to their widest cell; numbers right-aligned.</summary>
    public static string RenderText(ReportComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var header = Header(comparison);
        var rows = Cells(comparison);
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{comparison.Reports.Count} runs of {comparison.Model} ({comparison.OriginalLinearParameters:#,0} linear parameters); budgets within {comparison.BudgetSpreadPercent:0.##}%"));
        text.AppendLine();
        text.AppendLine(Line(header, widths));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row, widths));
        }

        foreach (var note in comparison.Notes)
        {
            text.AppendLine();
            text.AppendLine(note);
        }

        return text.ToString();
    }

    public static string RenderMarkdown(ReportComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var header = Header(comparison);
        var md = new StringBuilder();
        md.AppendLine("# gac-build compare");
        md.AppendLine();
        md.AppendLine(Invariant($"Model `{comparison.Model}` · {comparison.OriginalLinearParameters:#,0} linear parameters · {comparison.Reports.Count} runs whose budgets differ by {comparison.BudgetSpreadPercent:0.##}%."));
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Join("|", header.Select((_, c) => c == 0 ? "---" : c == header.Count - 1 ? ":---" : "---:")) + "|");
        foreach (var row in Cells(comparison))
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        }

        md.AppendLine();
        md.AppendLine("| run | report | method | ratio | alignment | budget (compressor's parameters) | provider | verdict |");
        md.AppendLine("|---:|---|---|---:|---|---:|---|---|");
        foreach (var (report, index) in comparison.Reports.Select((r, i) => (r, i)))
        {
            md.AppendLine(Invariant($"| {index + 1} | `{Cell(report.Path)}` | {report.Method} | {report.Ratio:0.###} | {report.Strategy}, multiple of {report.Alignment} | {report.Budget:#,0} | {report.ProviderUsed} | {report.Verdict} |"));
        }

        foreach (var note in comparison.Notes.Concat(comparison.Warnings))
        {
            md.AppendLine();
            md.AppendLine(note);
        }

        return md.ToString();
    }

    private static string Aligned(ComparisonRow row, int? multiple)
    {
        if (row.CompressedDims is not { } compressed || row.AlignedDims is not { } aligned)
        {
            return "—";
        }

        var to = multiple is { } m ? Invariant($" to {m}") : string.Empty;
        return compressed == 0 ? $"none compressed{to}" : Invariant($"{aligned} of {compressed} ({row.AlignedPercent:0.#}%){to}");
    }

    private static string Fidelity(ComparisonRow row, bool perplexity)
        => perplexity
            ? row.Perplexity is { } p ? Invariant($"{p:0.000}") : "—"
            : row.RelativeL2Error is { } e ? Invariant($"{e:0.#####}") : "—";

    private static string Line(IReadOnlyList<string> cells, int[] widths)
        => string.Join("  ", cells.Select((c, i) => i == 0 || i == cells.Count - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
