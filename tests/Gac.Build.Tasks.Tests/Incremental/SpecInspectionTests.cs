using Gac.Build.Tasks.Incremental;

namespace Gac.Build.Tasks.Tests.Incremental;

public sealed class SpecInspectionTests
{
    [Fact]
    public void Inputs_and_outputs_resolve_against_the_spec_folder_and_the_tool_version_is_kept()
    {
        const string json = """{ "spec": "gac.yaml", "toolVersion": "0.3.1", "inputs": ["model.onnx", "/data/calib"], "outputs": ["out/model.gac.onnx"],""" +
            """ "extra": 1 }""";

        var inspection = SpecInspection.TryParse(json, "/repo/app", out var problem);

        Assert.Null(problem);
        Assert.NotNull(inspection);
        Assert.Equal("0.3.1", inspection.ToolVersion);
        Assert.Equal(["/repo/app/model.onnx", "/data/calib"], inspection.Inputs);
        Assert.Equal(["/repo/app/out/model.gac.onnx"], inspection.Outputs);
    }

    [Fact]
    public void A_missing_tool_version_is_recorded_as_unknown()
    {
        var inspection = SpecInspection.TryParse("""{ "inputs": [], "outputs": [] }""", "/repo", out _);

        Assert.Equal(SpecInspection.UnknownToolVersion, inspection?.ToolVersion);
    }

    [Theory]
    [InlineData("""{ "outputs": [] }""", "missing the 'inputs' array")]
    [InlineData("""{ "inputs": [], "outputs": "x.onnx" }""", "missing the 'outputs' array")]
    [InlineData("""{ "inputs": [3], "outputs": [] }""", "'inputs' must hold only non-empty strings")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("Usage: gac-build check <spec>", "not valid JSON")]
    public void Output_that_breaks_the_contract_is_refused_with_the_reason(string json, string reason)
    {
        var inspection = SpecInspection.TryParse(json, "/repo", out var problem);

        Assert.Null(inspection);
        Assert.StartsWith(reason, problem, StringComparison.Ordinal);
    }
}
