using System.Globalization;
using System.Text;

namespace Gac.Core.Diagnostics;

/// <summary>
/// Renders the catalogue as the Markdown page users read (src/Gac.Core/Diagnostics/DIAGNOSTICS.md).
/// The page is generated, and a test fails when it drifts from the code.
/// </summary>
public static class DiagnosticCatalogueMarkdown
{
    private static readonly (char Prefix, string Area)[] Areas =
    [
        ('0', "Spec (gac.yaml)"),
        ('1', "Model import and calibration data"),
        ('2', "Planning and alignment"),
        ('3', "Export"),
        ('4', "Runtime, native libraries and benchmarks"),
        ('5', "Gate"),
        ('9', "Command line and host"),
    ];

    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# gac-build diagnostics");
        text.AppendLine();
        text.AppendLine("Every message gac-build prints has a stable code. Messages use MSBuild's canonical form,");
        text.AppendLine("`file(line,col): error GAC0010: message`, so IDEs, the MSBuild task and CI annotate them.");
        text.AppendLine("`gac-build explain GAC0010` prints one entry. This page is generated from the code:");
        text.AppendLine("`dotnet run --project src/Gac.Cli -- explain --markdown > src/Gac.Core/Diagnostics/DIAGNOSTICS.md`.");
        foreach (var (prefix, area) in Areas)
        {
            var entries = DiagnosticCatalogue.All.Where(d => d.Code[3] == prefix).ToList();
            if (entries.Count == 0)
            {
                continue;
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## GAC{prefix}xxx — {area}");
            text.AppendLine();
            text.AppendLine("| code | severity | title | cause | fix |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var entry in entries)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {entry.Code} | {entry.DefaultSeverity.ToString().ToLowerInvariant()} | {Cell(entry.Title)} " +
                    $"| {Cell(entry.Cause)} | {Cell(entry.Fix)} |");
            }
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
