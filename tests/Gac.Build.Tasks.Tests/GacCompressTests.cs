using System.Diagnostics;
using Gac.Build.Tasks.Tests.TestSupport;
using Microsoft.Build.Utilities;
using Task = System.Threading.Tasks.Task;

namespace Gac.Build.Tasks.Tests;

/// <summary>GacCompress against a fake gac-build that follows the command-line contract (exit codes 0/1/2/3).</summary>
public sealed class GacCompressTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();
    private readonly RecordingBuildEngine _engine = new();

    [Fact]
    public void An_accepted_run_succeeds_and_passes_output_report_directory_and_provider_to_gac_build()
    {
        var spec = _workspace.Spec();
        spec.SetMetadata("OutputPath", "out/model.gac.onnx");
        spec.SetMetadata("ReportDirectory", "reports");
        spec.SetMetadata("Provider", "CUDA");

        Assert.True(Compress(spec).Execute());

        Assert.Empty(_engine.Errors);
        var ws = _workspace.Directory;
        Assert.Equal($"run {ws}/gac.yaml --output {ws}/out/model.gac.onnx --report-dir {ws}/reports --provider cuda", Assert.Single(_workspace.Invocations));
        Assert.True(File.Exists(_workspace.PathOf("out/model.gac.onnx")));
    }

    [Fact]
    public void A_canonical_error_from_gac_build_becomes_an_MSBuild_error_with_its_code_file_line_and_column()
    {
        var spec = _workspace.Spec("run say gac.yaml(3,5): error GAC0012: compress.ratio must be in (0, 1], found 1.5", "run exit 2");

        Assert.False(Compress(spec).Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("GAC0012", error.Code);
        Assert.Equal(_workspace.PathOf("gac.yaml"), error.File);
        Assert.Equal((3, 5), (error.LineNumber, error.ColumnNumber));
        Assert.Equal("compress.ratio must be in (0, 1], found 1.5", error.Message);
    }

    [Fact]
    public void A_diagnostic_from_the_tool_itself_points_at_the_spec_rather_than_the_targets_file()
    {
        var spec = _workspace.Spec("run say gac-build: error GAC9002: --provider expects cpu, cuda or auto", "run exit 2");

        Assert.False(Compress(spec).Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("GAC9002", _workspace.PathOf("gac.yaml")), (error.Code, error.File));
    }

    [Fact]
    public void A_warning_is_logged_and_the_build_stays_green()
    {
        var spec = _workspace.Spec("run say gac.yaml(9,3): warning GAC2101: layer 'mlp.fc1' keeps rank 327 (not a multiple of 8)");

        Assert.True(Compress(spec).Execute());

        Assert.Equal("GAC2101", Assert.Single(_engine.Warnings).Code);
    }

    [Fact]
    public void A_rejection_is_one_clear_error_naming_the_spec_and_the_report_and_leaves_the_previous_artifact_alone()
    {
        var previous = _workspace.Write("out/model.gac.onnx", "previous accepted model");
        var spec = _workspace.Spec("run say gac-build: error GAC5001: p95 latency 1.31 ms exceeds the goal of 1.20 ms", "run exit 1");
        spec.SetMetadata("OutputPath", previous);
        spec.SetMetadata("ReportDirectory", "reports");

        Assert.False(Compress(spec).Execute());

        Assert.Equal(["GAC5001", "GAC9501"], _engine.Errors.Select(e => e.Code));
        var rejection = _engine.Errors[1];
        Assert.Equal($"GacCompress: the gate rejected {spec.ItemSpec}; see the report in {_workspace.PathOf("reports")}. No artifact was written or " +
            $"overwritten.", rejection.Message);
        Assert.Equal(_workspace.PathOf("gac.yaml"), rejection.File);
        Assert.Equal("previous accepted model", File.ReadAllText(previous));
    }

    [Theory]
    [InlineData(2, "GAC9502", "bad input (exit code 2)")]
    [InlineData(3, "GAC9503", "internal error (exit code 3)")]
    [InlineData(7, "GAC9504", "exited with code 7")]
    public void An_exit_code_without_a_diagnostic_still_fails_with_a_coded_explanation(int exitCode, string code, string explanation)
    {
        var spec = _workspace.Spec($"run exit {exitCode}");

        Assert.False(Compress(spec).Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_provider_is_refused_before_gac_build_runs()
    {
        var spec = _workspace.Spec();
        spec.SetMetadata("Provider", "tpu");

        Assert.False(Compress(spec).Execute());

        Assert.Equal("GAC9505", Assert.Single(_engine.Errors).Code);
        Assert.Empty(_workspace.Invocations);
    }

    [Fact]
    public void A_tool_path_that_does_not_exist_names_the_property_to_fix()
    {
        var task = Compress(_workspace.Spec());
        task.GacToolPath = _workspace.PathOf("missing/gac-build");

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("GAC9507", error.Code);
        Assert.Contains("GacToolPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_MSBuild_node_is_yielded_while_gac_build_runs()
    {
        var task = Compress(_workspace.Spec());
        task.YieldDuringToolExecution = true;

        Assert.True(task.Execute());

        Assert.Equal((1, 1), (_engine.Yields, _engine.Reacquires));
    }

    [Fact]
    public async Task Cancelling_the_build_stops_gac_build_and_fails_the_task()
    {
        var task = Compress(_workspace.Spec("run sleep 60"));
        var clock = Stopwatch.StartNew();
        var execution = Task.Run(task.Execute);
        while (_workspace.Invocations.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        task.Cancel();
        var finished = await Task.WhenAny(execution, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(execution, finished);
        Assert.False(await execution);
        // Well under the fake's 60 s sleep: the process was killed, not waited for.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
    }

    private GacCompress Compress(TaskItem spec) => new()
    {
        BuildEngine = _engine,
        Spec = spec,
        GacToolPath = _workspace.ToolPath,
        ProjectDirectory = _workspace.Directory,
    };

    public void Dispose() => _workspace.Dispose();
}
