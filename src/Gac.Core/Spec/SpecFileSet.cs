namespace Gac.Core.Spec;

/// <summary>
/// The files a spec reads and writes. Build hosts hash <see cref="Inputs"/> to decide whether a
/// run is up to date (content, not timestamps) and check that <see cref="Outputs"/> (the artifact)
/// exist; <see cref="Reports"/> are kept apart because hosts may redirect them.
/// </summary>
public sealed record SpecFileSet(IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<string> Reports)
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
        inputs.AddRange(new[] { spec.Calibration.Text, spec.Calibration.Tokenizer }.OfType<SpecPath>().Select(p => p.FullPath));
        if (spec.Alignment.Staircase is { } staircase)
        {
            inputs.Add(staircase.FullPath);
        }

        inputs.AddRange(spec.Alignment.UserProfiles.Where(p => p.Staircase is not null).Select(p => p.Staircase!.FullPath));

        var reportDirectory = spec.Report.Directory.FullPath;
        return new SpecFileSet(
            inputs.Distinct(StringComparer.Ordinal).ToArray(),
            [spec.Export.Path.FullPath],
            spec.Report.Formats.Select(f => Path.Combine(reportDirectory, ReportFileName(f))).ToArray());
    }

    public static string ReportFileName(ReportFormat format) => format switch
    {
        ReportFormat.Json => Gac.Core.Reports.ReportJson.FileName,
        ReportFormat.Markdown => Gac.Core.Reports.MarkdownSummary.FileName,
        ReportFormat.Junit => Gac.Core.Reports.JUnitReport.FileName,
        ReportFormat.Plot => Gac.Core.Reports.LatencyPlot.FileName,
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
