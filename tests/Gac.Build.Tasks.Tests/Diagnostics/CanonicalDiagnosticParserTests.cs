using Gac.Build.Tasks.Diagnostics;

namespace Gac.Build.Tasks.Tests.Diagnostics;

public sealed class CanonicalDiagnosticParserTests
{
    private const string ProjectDirectory = "/repo/app";

    [Fact]
    public void An_error_with_line_and_column_keeps_code_location_and_message_and_resolves_the_file_against_the_project()
    {
        var d = CanonicalDiagnosticParser.TryParse("gac.yaml(3,5): error GAC0012: compress.ratio must be in (0, 1], found 1.5", ProjectDirectory);

        Assert.Equal(new CanonicalDiagnostic(CanonicalSeverity.Error, "GAC0012", "compress.ratio must be in (0, 1], found 1.5", "/repo/app/gac.yaml", 3, 5), d);
    }

    [Fact]
    public void A_warning_with_an_absolute_path_keeps_the_path()
    {
        var d = CanonicalDiagnosticParser.TryParse("/data/models/gac.yaml(12,1): warning GAC2101: layer 'mlp.fc1' stays misaligned", ProjectDirectory);

        Assert.NotNull(d);
        Assert.Equal(CanonicalSeverity.Warning, d.Severity);
        Assert.Equal("/data/models/gac.yaml", d.File);
        Assert.Equal((12, 1), (d.Line, d.Column));
    }

    [Fact]
    public void A_diagnostic_from_the_tool_itself_has_no_file()
    {
        var d = CanonicalDiagnosticParser.TryParse("gac-build: error GAC9002: --format expects 'text' or 'json', found 'xml'.", ProjectDirectory);

        Assert.NotNull(d);
        Assert.Null(d.File);
        Assert.Equal("GAC9002", d.Code);
        Assert.Equal("--format expects 'text' or 'json', found 'xml'.", d.Message);
    }

    [Theory]
    [InlineData("gac.yaml(7): error GAC0101: x", 7, 0, 0, 0)]
    [InlineData("gac.yaml(7-9): error GAC0101: x", 7, 0, 9, 0)]
    [InlineData("gac.yaml(7,2-6): error GAC0101: x", 7, 2, 0, 6)]
    [InlineData("gac.yaml(7,2,8,4): error GAC0101: x", 7, 2, 8, 4)]
    public void Every_location_form_MSBuild_accepts_is_read(string line, int startLine, int column, int endLine, int endColumn)
    {
        var d = CanonicalDiagnosticParser.TryParse(line, ProjectDirectory);

        Assert.NotNull(d);
        Assert.Equal((startLine, column, endLine, endColumn), (d.Line, d.Column, d.EndLine, d.EndColumn));
    }

    [Fact]
    public void An_info_line_is_a_message_and_a_subcategory_is_kept()
    {
        var d = CanonicalDiagnosticParser.TryParse("model.onnx: gate info GAC5003: latency measured on CPUExecutionProvider", ProjectDirectory);

        Assert.NotNull(d);
        Assert.Equal(CanonicalSeverity.Info, d.Severity);
        Assert.Equal("gate", d.Subcategory);
    }

    [Theory]
    [InlineData("gac-build (fake): compressing gac.yaml")]
    [InlineData("step 2: fidelity error: 0.013")]
    [InlineData("   at Gac.Core.Pipeline.Run() in Pipeline.cs:line 42")]
    [InlineData("")]
    [InlineData("{ \"inputs\": [] }")]
    public void Progress_text_and_stack_traces_are_not_diagnostics(string line)
    {
        Assert.Null(CanonicalDiagnosticParser.TryParse(line, ProjectDirectory));
    }
}
