using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>Writes the report files into one folder; returns their paths.</summary>
public static class ReportWriter
{
    public static IReadOnlyList<string> WriteAll(RunReport report, string folder)
        => Write(report, folder, [Spec.ReportFormat.Json, Spec.ReportFormat.Markdown, Spec.ReportFormat.Junit, Spec.ReportFormat.Plot]);

    /// <summary>Writes the formats a spec asked for (report.formats).</summary>
    public static IReadOnlyList<string> Write(RunReport report, string folder, IReadOnlyCollection<Spec.ReportFormat> formats)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            Directory.CreateDirectory(folder);
            var json = Path.Combine(folder, ReportJson.FileName);
            var markdown = Path.Combine(folder, MarkdownSummary.FileName);
            var junit = Path.Combine(folder, JUnitReport.FileName);
            var plot = Path.Combine(folder, LatencyPlot.FileName);
            var written = new List<string>();
            if (formats.Contains(Spec.ReportFormat.Json))
            {
                File.WriteAllText(json, ReportJson.Serialize(report));
                written.Add(json);
            }

            if (formats.Contains(Spec.ReportFormat.Markdown))
            {
                File.WriteAllText(markdown, MarkdownSummary.Render(report));
                written.Add(markdown);
            }

            if (formats.Contains(Spec.ReportFormat.Junit))
            {
                JUnitReport.Render(report).Save(junit);
                written.Add(junit);
            }

            if (formats.Contains(Spec.ReportFormat.Plot))
            {
                LatencyPlot.Render(report).Save(plot);
                written.Add(plot);
            }

            return written;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot write reports to '{folder}': {e.Message}", new SourceLocation(folder), e);
        }
    }
}
