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

    /// <summary>A document in these conventions: the run report, compare.json, gac.sweep.json, a bundle manifest.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);

    /// <param name="what">How the message names the document when the JSON is a bare null, e.g. "sweep report".</param>
    public static T Deserialize<T>(string json, string what)
        => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The {what} is empty.");

    public static RunReport Deserialize(string json) => Deserialize<RunReport>(json, "report");

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
