using Gac.Build.Tasks.Tests.TestSupport;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tests;

/// <summary>
/// Issue 13 item 1: an item's OutputPath that is, or whose data file would be, an input of the spec
/// (as gac-build check listed them in InputFiles, or the spec itself) fails before the tool starts.
/// </summary>
public sealed class GacCompressOutputPathTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _workspace.Dispose();

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.onnx.data")]
    [InlineData("calibration/tokens.bin")]
    [InlineData("gac.yaml")]
    [InlineData("hf/model.safetensors")]
    public void An_OutputPath_naming_an_input_is_GAC5023_and_gac_build_never_runs(string output)
    {
        var inputs = new[] { "model.onnx", "model.onnx.data", "calibration/tokens.bin", "hf/model.safetensors" }
            .Select(f => _workspace.Write(f, $"input {f}")).ToList();
        var spec = Item(output, inputs[..3].Append(_workspace.PathOf("hf")));

        Assert.False(Compress(spec).Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("GAC5023", error.Code);
        Assert.Contains("input is unchanged", error.Message, StringComparison.Ordinal);
        Assert.Empty(_workspace.Invocations);
        Assert.All(inputs, f => Assert.StartsWith("input ", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public void An_OutputPath_whose_data_file_is_an_input_is_refused_too()
    {
        var data = _workspace.Write("weights.onnx.data", "input data");
        var spec = Item("weights.onnx", [_workspace.PathOf("model.onnx"), data]);

        Assert.False(Compress(spec).Execute());

        Assert.Equal("GAC5023", Assert.Single(_engine.Errors).Code);
        Assert.Empty(_workspace.Invocations);
    }

    [Fact]
    public void An_OutputPath_beside_the_inputs_runs()
    {
        var spec = Item("model.gac.onnx", [_workspace.Write("model.onnx", "input")]);

        Assert.True(Compress(spec).Execute());

        Assert.Empty(_engine.Errors);
        Assert.Single(_workspace.Invocations);
    }

    private TaskItem Item(string output, IEnumerable<string> inputs)
    {
        var spec = _workspace.Spec();
        spec.SetMetadata("OutputPath", output);
        spec.SetMetadata("InputFiles", string.Join(';', inputs));
        return spec;
    }

    private GacCompress Compress(TaskItem spec) => new()
    {
        BuildEngine = _engine,
        Spec = spec,
        GacToolPath = _workspace.ToolPath,
        ProjectDirectory = _workspace.Directory,
    };
}
