namespace Gac.Core.Spec;

/// <summary>
/// The files a spec reads and writes. Build hosts hash <see cref="Inputs"/> to decide whether a
/// run is up to date (content, not timestamps), and the report records the same hashes.
/// </summary>
public sealed record SpecFileSet(IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public static SpecFileSet Of(GacSpec spec)
    {
        var inputs = new List<string> { spec.File.FullPath };
        inputs.AddRange(ModelFiles(spec.Model));
        if (spec.Calibration.Tokens is { } tokens)
        {
            inputs.Add(tokens.FullPath);
        }

        inputs.AddRange(spec.Calibration.Npy.Values.Select(p => p.FullPath));
        if (spec.Alignment.Staircase is { } staircase)
        {
            inputs.Add(staircase.FullPath);
        }

        inputs.AddRange(spec.Alignment.UserProfiles.Where(p => p.Staircase is not null).Select(p => p.Staircase!.FullPath));

        var outputs = new List<string> { spec.Export.Path.FullPath };
        var reportDirectory = spec.Report.Directory.FullPath;
        outputs.AddRange(spec.Report.Formats.Select(f => Path.Combine(reportDirectory, ReportFileName(f))));
        return new SpecFileSet(
            inputs.Distinct(StringComparer.Ordinal).ToArray(),
            outputs.Distinct(StringComparer.Ordinal).ToArray());
    }

    public static string ReportFileName(ReportFormat format) => format switch
    {
        ReportFormat.Json => "gac.report.json",
        ReportFormat.Markdown => "gac.report.md",
        ReportFormat.Junit => "gac.junit.xml",
        ReportFormat.Plot => "gac.plot.svg",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>An ONNX file with the external-data files beside it; a checkpoint folder's config and weights.</summary>
    private static IEnumerable<string> ModelFiles(ModelSpec model)
    {
        var path = model.Path.FullPath;
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
        }

        var data = path + ".data";
        return File.Exists(data) ? [path, data] : [path];
    }
}
