using Gac.Build.Tasks.Tests.TestSupport;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tests.Incremental;

/// <summary>The skip decision: by content hash of spec, inputs, options and tool version, not by timestamps.</summary>
public sealed class GacComputeInputHashTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();
    private readonly RecordingBuildEngine _engine = new();

    public GacComputeInputHashTests()
    {
        _workspace.Write("gac.yaml", "model: model.onnx\n");
        _workspace.Write("model.onnx", "weights v1");
        _workspace.Write("calib/batch-000.bin", "calibration 0");
        _workspace.Write("out/model.gac.onnx", "compressed");
    }

    private string IntermediateDirectory => _workspace.PathOf("obj/gac");

    [Fact]
    public void A_spec_never_compressed_needs_compressing()
    {
        Assert.Equal("false", Hash().GetMetadata("UpToDate"));
    }

    [Fact]
    public void After_an_accepted_run_stamps_the_fingerprint_the_same_inputs_are_up_to_date()
    {
        Stamp(Hash());

        Assert.Equal("true", Hash().GetMetadata("UpToDate"));
    }

    [Fact]
    public void Touching_an_input_without_changing_its_content_stays_up_to_date()
    {
        Stamp(Hash());
        File.SetLastWriteTimeUtc(_workspace.PathOf("model.onnx"), DateTime.UtcNow.AddMinutes(5));

        Assert.Equal("true", Hash().GetMetadata("UpToDate"));
    }

    [Theory]
    [InlineData("model.onnx", "weights v2")]
    [InlineData("gac.yaml", "model: model.onnx\ncompress: { ratio: 0.5 }\n")]
    [InlineData("calib/batch-001.bin", "a new calibration batch")]
    public void Changing_the_content_of_the_spec_or_any_input_needs_compressing_again(string file, string content)
    {
        Stamp(Hash());
        _workspace.Write(file, content);

        Assert.Equal("false", Hash().GetMetadata("UpToDate"));
    }

    [Fact]
    public void A_new_tool_version_needs_compressing_again()
    {
        Stamp(Hash());

        Assert.Equal("false", Hash(toolVersion: "0.2.0").GetMetadata("UpToDate"));
    }

    [Fact]
    public void A_different_provider_or_output_override_needs_compressing_again()
    {
        Stamp(Hash());

        Assert.Equal("false", Hash(metadata: [("Provider", "cuda")]).GetMetadata("UpToDate"));
        Assert.Equal("false", Hash(metadata: [("OutputPath", "elsewhere.onnx")]).GetMetadata("UpToDate"));
    }

    [Fact]
    public void A_deleted_output_needs_compressing_again()
    {
        Stamp(Hash());
        File.Delete(_workspace.PathOf("out/model.gac.onnx"));

        Assert.Equal("false", Hash().GetMetadata("UpToDate"));
    }

    [Fact]
    public void The_report_directory_defaults_under_the_intermediate_folder_and_an_explicit_one_is_kept()
    {
        var item = Hash();
        Assert.Equal(Path.Combine(IntermediateDirectory, item.GetMetadata("SpecKey"), "report"), item.GetMetadata("ReportDirectory"));

        Assert.Equal("/ci/reports", Hash(metadata: [("ReportDirectory", "/ci/reports")]).GetMetadata("ReportDirectory"));
    }

    [Fact]
    public void Specs_with_the_same_file_name_in_different_folders_get_different_stamps()
    {
        var a = GacComputeInputHash.SpecKey("/repo/a/gac.yaml");
        var b = GacComputeInputHash.SpecKey("/repo/b/gac.yaml");

        Assert.StartsWith("gac-", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }

    private ITaskItem Hash(string toolVersion = "0.1.0", (string Name, string Value)[]? metadata = null)
    {
        var spec = new TaskItem(_workspace.PathOf("gac.yaml"));
        spec.SetMetadata("ToolVersion", toolVersion);
        spec.SetMetadata("InputFiles", $"{_workspace.PathOf("model.onnx")};{_workspace.PathOf("calib")}");
        spec.SetMetadata("OutputFiles", _workspace.PathOf("out/model.gac.onnx"));
        foreach (var (name, value) in metadata ?? [])
        {
            spec.SetMetadata(name, value);
        }

        var task = new GacComputeInputHash { BuildEngine = _engine, Specs = [spec], IntermediateDirectory = IntermediateDirectory };
        Assert.True(task.Execute());
        return Assert.Single(task.HashedSpecs);
    }

    /// <summary>What the targets do after gac-build accepted the model.</summary>
    private static void Stamp(ITaskItem hashed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(hashed.GetMetadata("StampFile"))!);
        File.WriteAllText(hashed.GetMetadata("StampFile"), hashed.GetMetadata("InputHash") + "\n");
    }

    public void Dispose() => _workspace.Dispose();
}
