using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>Writes compare.json (same JSON conventions as gac.report.json) and compare.md into one folder.</summary>
public static class ComparisonWriter
{
    public const string JsonFileName = "compare.json";

    public static string Serialize(ReportComparison comparison) => ReportJson.Serialize(comparison);

    public static ReportComparison Deserialize(string json) => ReportJson.Deserialize<ReportComparison>(json, "comparison");

    /// <returns>The paths written: compare.json, then compare.md.</returns>
    public static IReadOnlyList<string> Write(ReportComparison comparison, string folder)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var json = Path.Combine(folder, JsonFileName);
        var markdown = Path.Combine(folder, ComparisonTable.MarkdownFileName);
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(json, Serialize(comparison));
            File.WriteAllText(markdown, ComparisonTable.RenderMarkdown(comparison));
            return [json, markdown];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ReportWriteFailed,
                $"Cannot write the comparison to '{folder}': {e.Message}",
                new SourceLocation(folder),
                e);
        }
    }
}
