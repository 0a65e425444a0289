using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>Reads a gac.report.json back, turning every way it can be wrong into a diagnostic.</summary>
public static class ReportFile
{
    /// <exception cref="GacException">GAC9003 when the file cannot be read, GAC9101 when it is not a
    /// version-1 run report.</exception>
    public static RunReport Read(string path)
    {
        var json = InputFile.ReadAllText(path, DiagnosticCatalogue.InputFileNotFound, $"report '{path}'");
        RunReport report;
        try
        {
            report = ReportJson.Deserialize(json);
        }
        catch (JsonException e)
        {
            throw GacException.Create(DiagnosticCatalogue.NotARunReport, $"'{path}' is not a gac-build report: {e.Message}", InputFile.JsonErrorLocation(path,
                e), e);
        }

        if (report.SchemaVersion != RunReport.CurrentSchemaVersion)
        {
            throw GacException.Create(
                DiagnosticCatalogue.NotARunReport,
                $"'{path}' has report schema version '{report.SchemaVersion}'; this gac-build reads version {RunReport.CurrentSchemaVersion}.",
                new SourceLocation(path));
        }

        return report;
    }
}
