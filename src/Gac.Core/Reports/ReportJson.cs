using System.Text.Json;
using System.Text.Json.Serialization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>gac.report.json: camelCase, indented, nulls kept so the shape is stable for consumers.</summary>
public static class ReportJson
{
    public const string FileName = "gac.report.json";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(RunReport report) => JsonSerializer.Serialize(report, Options);

    public static RunReport Deserialize(string json)
        => JsonSerializer.Deserialize<RunReport>(json, Options) ?? throw new JsonException("The report is empty.");

    public static void Write(RunReport report, string path)
    {
        try
        {
            File.WriteAllText(path, Serialize(report));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ReportWriteFailed, $"Cannot write report '{path}': {e.Message}", new SourceLocation(path), e);
        }
    }
}
