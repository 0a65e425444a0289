using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;

namespace Gac.Core.Tests.Artifacts;

/// <summary>Issue 13 item 1 at the unit level: the rules every host's outputs go through.</summary>
public sealed class OutputTargetsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_artifact_reached_through_a_symbolic_link_to_the_model_is_the_model()
    {
        var model = Write("model.onnx");
        var link = Path.Combine(_folder, "out.onnx");
        File.CreateSymbolicLink(link, model);

        var error = Assert.Throws<GacException>(() => Targets(link).Check([model], "--output", "report.directory"));

        Assert.Equal("GAC5023", error.Diagnostics[0].Code);
        Assert.Contains("The artifact (--output)", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_output_is_checked_against_each_input()
    {
        var spec = Write("gac.yaml");
        var tokens = Write("tokens.bin");
        var reports = Directory.CreateDirectory(Path.Combine(_folder, "reports")).FullName;
        var shadow = Write(Path.Combine("reports", "gac.report.md"));

        Assert.Equal("GAC5023", Assert.Throws<GacException>(() => Targets(tokens).Check([spec, tokens], "export.path",
            "report.directory")).Diagnostics[0].Code);
        Assert.Equal("GAC5023", Assert.Throws<GacException>(() => Targets(Path.Combine(_folder, "tokens")).Check([Path.Combine(_folder, "tokens.data")],
            "export.path", "report.directory")).Diagnostics[0].Code);
        Assert.Equal("GAC5023", Assert.Throws<GacException>(() => Targets(Path.Combine(_folder, "a.onnx"), reports).Check([shadow], "export.path",
            "--report-dir")).Diagnostics[0].Code);
        Targets(Path.Combine(_folder, "a.onnx"), reports).Check([spec, tokens], "export.path", "--report-dir");
    }

    [Fact]
    public void A_report_folder_that_is_a_file_or_lies_under_one_is_GAC5024()
    {
        var file = Write("reports");

        var named = Assert.Throws<GacException>(() => Targets(Path.Combine(_folder, "a.onnx"), file).Check([], "export.path", "--report-dir"));
        var under = Assert.Throws<GacException>(() => Targets(Path.Combine(_folder, "a.onnx"), Path.Combine(file, "deeper")).Check([], "export.path",
            "--report-dir"));

        Assert.Equal(("GAC5024", "GAC5024"), (named.Diagnostics[0].Code, under.Diagnostics[0].Code));
        Assert.Contains("is an existing file", named.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("which is a file", under.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    private OutputTargets Targets(string artifact, string? reports = null)
        => new(artifact, reports ?? _folder, ["gac.report.json", "gac.report.md"]);

    private string Write(string name)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, name);
        return path;
    }
}
