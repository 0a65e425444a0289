using System.Text;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Core.Sweep;

namespace Gac.Pipeline.Sweep;

/// <summary>Writes gac.sweep.json, gac.sweep.md and gac.sweep.png into one folder; returns their paths.</summary>
public static class SweepFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<string> Write(SweepReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            Directory.CreateDirectory(folder);
            var json = Path.Combine(folder, SweepReport.FileName);
            var markdown = Path.Combine(folder, SweepMarkdown.FileName);
            var plot = Path.Combine(folder, SweepPlot.FileName);
            File.WriteAllBytes(json, Utf8.GetBytes(ReportJson.Serialize(report)));
            File.WriteAllBytes(markdown, Utf8.GetBytes(SweepMarkdown.Render(report)));
            SweepPlot.Save(report, plot);
            return [json, markdown, plot];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot write the sweep report to '{folder}': {e.Message}", new SourceLocation(
                folder), e);
        }
    }
}
