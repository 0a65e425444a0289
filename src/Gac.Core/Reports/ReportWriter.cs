using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>Writes the four report files into one folder; returns their paths.</summary>
public static class ReportWriter
{
    public static IReadOnlyList<string> WriteAll(RunReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            Directory.CreateDirectory(folder);
            var json = Path.Combine(folder, ReportJson.FileName);
            var markdown = Path.Combine(folder, MarkdownSummary.FileName);
            var junit = Path.Combine(folder, JUnitReport.FileName);
            var plot = Path.Combine(folder, LatencyPlot.FileName);
            File.WriteAllText(json, ReportJson.Serialize(report));
            File.WriteAllText(markdown, MarkdownSummary.Render(report));
            JUnitReport.Render(report).Save(junit);
            LatencyPlot.Render(report).Save(plot);
            return [json, markdown, junit, plot];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot write reports to '{folder}': {e.Message}", new SourceLocation(folder), e);
        }
    }
}
