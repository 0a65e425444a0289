using Gac.Integration.Tests.Support;

namespace Gac.Integration.Tests;

/// <summary>
/// `dotnet build` of a project that references the packed Gac.Build package and has a GacCompress item.
/// gac-build is the fake (GacToolPath), so these test the package's targets: incrementality, diagnostics,
/// rejection, opting out.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class GacCompressBuildTests(PackedFeed feed)
{
    private static readonly string[] AcceptingTool = ["input model.onnx", "output out/model.gac.onnx"];

    [Fact]
    public void A_second_build_skips_compression_and_changing_the_spec_or_the_model_runs_it_again()
    {
        var project = new ConsumerProject(feed, "incremental", "CopyToOutputDirectory=\"PreserveNewest\"");
        project.WriteSpec("model: model.onnx\n", AcceptingTool);

        var first = project.Build();
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, project.CompressionRuns);
        Assert.True(File.Exists(project.PathOf("bin/Debug/net10.0/out/model.gac.onnx")), "the accepted model is copied to the output directory");

        var second = project.Build("--no-restore");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(1, project.CompressionRuns);
        Assert.Contains("GacCompress: gac.yaml is up to date", second.Output, StringComparison.Ordinal);

        project.WriteSpec("model: model.onnx\ncompress: { ratio: 0.5 }\n", AcceptingTool);
        var third = project.Build("--no-restore");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(2, project.CompressionRuns);

        File.WriteAllText(project.PathOf("model.onnx"), "retrained weights");
        var fourth = project.Build("--no-restore");
        Assert.True(fourth.ExitCode == 0, fourth.ToString());
        Assert.Equal(3, project.CompressionRuns);
    }

    [Fact]
    public void A_broken_spec_fails_the_build_with_the_tools_code_and_line()
    {
        const string diagnostic = "gac.yaml(3,5): error GAC0012: compress.ratio must be in [0, 1), found 1.5";
        var project = new ConsumerProject(feed, "broken");
        project.WriteSpec("model: model.onnx\ncompress:\n    ratio: 1.5\n", $"check say {diagnostic}", "check exit 2", $"run say {diagnostic}", "run exit 2");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"{project.PathOf("gac.yaml")}(3,5): error GAC0012: compress.ratio must be in [0, 1), found 1.5", build.Output, StringComparison.Ordinal);
        Assert.Equal(0, project.CompressionRuns);
    }

    [Fact]
    public void A_rejected_model_fails_the_build_with_GAC9501_and_the_next_build_tries_again()
    {
        var project = new ConsumerProject(feed, "rejected");
        project.WriteSpec("model: model.onnx\n", [.. AcceptingTool, "run exit 1"]);

        var first = project.Build();
        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains("error GAC9501: GacCompress: the gate rejected gac.yaml; see the report in ", first.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(project.PathOf("out/model.gac.onnx")));

        var second = project.Build("--no-restore");
        Assert.NotEqual(0, second.ExitCode);
        Assert.Equal(2, project.CompressionRuns);
    }

    [Fact]
    public void The_GacSweep_target_runs_the_sweep_into_obj_and_neither_compresses_nor_copies_an_artifact()
    {
        var project = new ConsumerProject(feed, "sweep", "SweepRatios=\"0.1,0.2\"");
        project.WriteSpec("model: model.onnx\n", AcceptingTool);

        var build = project.Build("-t:GacSweep -p:GacSweepRatios=0.3");

        Assert.True(build.ExitCode == 0, build.ToString());
        var sweep = Assert.Single(File.ReadAllLines(project.PathOf("fake-gac-build.log")), l => l.StartsWith("sweep ", StringComparison.Ordinal));
        Assert.Matches($"^sweep {System.Text.RegularExpressions.Regex.Escape(project.PathOf("gac.yaml"))} --out {System.Text.RegularExpressions.Regex.Escape(project.PathOf("obj/gac/"))}gac-[0-9a-f]{{12}}/sweep --ratios 0.1,0.2$", sweep);
        Assert.Equal(0, project.CompressionRuns);
        Assert.False(File.Exists(project.PathOf("out/model.gac.onnx")), "a sweep writes no artifact");
        Assert.False(Directory.Exists(project.PathOf("bin")), "GacSweep alone builds nothing into bin/");
    }

    [Fact]
    public void GacEnabled_false_skips_compression_entirely()
    {
        var project = new ConsumerProject(feed, "disabled");
        project.WriteSpec("model: model.onnx\n", AcceptingTool);

        var build = project.Build("-p:GacEnabled=false");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.False(File.Exists(project.PathOf("fake-gac-build.log")), "gac-build was not started at all");
    }

    [Fact]
    public void Without_GacToolPath_and_without_gac_build_in_a_tool_manifest_the_build_says_how_to_install_it()
    {
        var project = new ConsumerProject(feed, "no-tool", useFakeTool: false);
        project.WriteSpec("model: model.onnx\n", AcceptingTool);

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error GAC9504", build.Output, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install gac-build", build.Output, StringComparison.Ordinal);
    }
}
