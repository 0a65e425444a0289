using System.Text;
using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>One rendered report file: its name in the report folder and its bytes.</summary>
public sealed record RenderedReport(string FileName, byte[] Content);

/// <summary>Renders the report files and writes them into one folder; returns their paths.</summary>
public static class ReportWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<string> WriteAll(RunReport report, string folder)
        => Write(report, folder, [Spec.ReportFormat.Json, Spec.ReportFormat.Markdown, Spec.ReportFormat.Junit, Spec.ReportFormat.Plot]);

    /// <summary>
    /// The formats a spec asked for (report.formats), rendered in memory: the pipeline commits them
    /// together with the artifact they describe rather than writing them here.
    /// </summary>
    public static IReadOnlyList<RenderedReport> Render(RunReport report, IReadOnlyCollection<Spec.ReportFormat> formats)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(formats);
        var rendered = new List<RenderedReport>();
        if (formats.Contains(Spec.ReportFormat.Json))
        {
            rendered.Add(new RenderedReport(ReportJson.FileName, Utf8.GetBytes(ReportJson.Serialize(report))));
        }

        if (formats.Contains(Spec.ReportFormat.Markdown))
        {
            rendered.Add(new RenderedReport(MarkdownSummary.FileName, Utf8.GetBytes(MarkdownSummary.Render(report))));
        }

        if (formats.Contains(Spec.ReportFormat.Junit))
        {
            rendered.Add(new RenderedReport(JUnitReport.FileName, Xml(JUnitReport.Render(report))));
        }

        if (formats.Contains(Spec.ReportFormat.Plot))
        {
            rendered.Add(new RenderedReport(LatencyPlot.FileName, Xml(LatencyPlot.Render(report))));
        }

        return rendered;
    }

    /// <summary>Writes the formats a spec asked for straight into <paramref name="folder"/> (tools outside a run).</summary>
    public static IReadOnlyList<string> Write(RunReport report, string folder, IReadOnlyCollection<Spec.ReportFormat> formats)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var written = new List<string>();
            foreach (var file in Render(report, formats))
            {
                var path = Path.Combine(folder, file.FileName);
                File.WriteAllBytes(path, file.Content);
                written.Add(path);
            }

            return written;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot write reports to '{folder}': {e.Message}", new SourceLocation(folder), e);
        }
    }

    private static byte[] Xml(System.Xml.Linq.XDocument document)
    {
        using var buffer = new MemoryStream();
        document.Save(buffer);
        return buffer.ToArray();
    }
}
