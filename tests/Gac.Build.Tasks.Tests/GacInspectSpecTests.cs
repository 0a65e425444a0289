using Gac.Build.Tasks.Tests.TestSupport;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tests;

/// <summary>GacInspectSpec reads `gac-build check --format json` (fake tool) into item metadata.</summary>
public sealed class GacInspectSpecTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();
    private readonly RecordingBuildEngine _engine = new();

    [Fact]
    public void The_spec_gets_the_tool_version_and_the_files_it_reads_and_writes()
    {
        var task = Inspect(_workspace.Spec("input model.onnx", "input calib", "output out/model.gac.onnx"));

        Assert.True(task.Execute());

        var inspected = task.InspectedSpec!;
        Assert.Equal("0.0.0-fake", inspected.GetMetadata("ToolVersion"));
        Assert.Equal($"{_workspace.PathOf("model.onnx")};{_workspace.PathOf("calib")}", inspected.GetMetadata("InputFiles"));
        Assert.Equal(_workspace.PathOf("out/model.gac.onnx"), inspected.GetMetadata("OutputFiles"));
        Assert.Equal($"check {_workspace.PathOf("gac.yaml")} --format json", Assert.Single(_workspace.Invocations));
    }

    [Fact]
    public void The_output_override_is_passed_so_the_outputs_reflect_it()
    {
        var spec = _workspace.Spec("output out/model.gac.onnx");
        spec.SetMetadata("OutputPath", "dist/model.onnx");
        var task = Inspect(spec);

        Assert.True(task.Execute());

        Assert.Equal(_workspace.PathOf("dist/model.onnx"), task.InspectedSpec!.GetMetadata("OutputFiles"));
        Assert.EndsWith($"--output {_workspace.PathOf("dist/model.onnx")}", Assert.Single(_workspace.Invocations), StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_spec_fails_early_with_the_tools_code_and_line()
    {
        var task = Inspect(_workspace.Spec("check say gac.yaml(3,5): error GAC0012: compress.ratio must be in (0, 1]", "check exit 2"));

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("GAC0012", 3, 5), (error.Code, error.LineNumber, error.ColumnNumber));
        Assert.Null(task.InspectedSpec);
    }

    [Fact]
    public void Output_that_is_not_the_JSON_contract_is_reported_as_a_version_mismatch()
    {
        var oldTool = _workspace.Write("old-gac-build.sh", "#!/bin/sh\necho 'Usage: gac-build explain [code]'\n");
        FakeToolWorkspace.MakeExecutable(oldTool);
        var task = Inspect(_workspace.Spec());
        task.GacToolPath = oldTool;

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("GAC9506", error.Code);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exit_code_1_from_check_is_not_taken_for_a_rejection()
    {
        // `dotnet tool run gac-build` exits 1 when the tool is not installed; check never rejects.
        var task = Inspect(_workspace.Spec("check exit 1"));

        Assert.False(task.Execute());

        Assert.Equal("GAC9504", Assert.Single(_engine.Errors).Code);
    }

    private GacInspectSpec Inspect(TaskItem spec) => new()
    {
        BuildEngine = _engine,
        Spec = spec,
        GacToolPath = _workspace.ToolPath,
        ProjectDirectory = _workspace.Directory,
    };

    public void Dispose() => _workspace.Dispose();
}
