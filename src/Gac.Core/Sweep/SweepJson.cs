using System.Text.Json;
using Gac.Core.Reports;

namespace Gac.Core.Sweep;

/// <summary>gac.sweep.json: the run report's JSON conventions (camelCase, indented, nulls kept).</summary>
public static class SweepJson
{
    public const string FileName = "gac.sweep.json";

    public static string Serialize(SweepReport report) => JsonSerializer.Serialize(report, ReportJson.Options);

    public static SweepReport Deserialize(string json)
        => JsonSerializer.Deserialize<SweepReport>(json, ReportJson.Options) ?? throw new JsonException("The sweep report is empty.");
}
