using Gac.Build.Tasks.Tests.TestSupport;
using Microsoft.Build.Utilities;

namespace Gac.Build.Tasks.Tests;

/// <summary>GacSweep against the fake gac-build: the command line it starts and how a failure surfaces.</summary>
public sealed class GacSweepTests : IDisposable
{
    private readonly FakeToolWorkspace _workspace = new();
    private readonly RecordingBuildEngine _engine = new();

    [Fact]
    public void The_items_ratios_win_over_the_property_and_the_outputs_go_to_the_given_folder()
    {
        var spec = _workspace.Spec();
        spec.SetMetadata("SweepRatios", " 0.1,0.2 ");
        spec.SetMetadata("Provider", "CPU");

        Assert.True(Sweep(spec, ratios: "0.3").Execute());

        Assert.Empty(_engine.Errors);
        var ws = _workspace.Directory;
        Assert.Equal($"sweep {ws}/gac.yaml --out {ws}/obj/gac/sweep --ratios 0.1,0.2 --provider cpu", Assert.Single(_workspace.Invocations));
    }

    [Fact]
    public void Without_item_ratios_the_property_is_used_and_without_either_gac_build_picks_its_default()
    {
        Assert.True(Sweep(_workspace.Spec(), ratios: "0.05,0.1").Execute());
        Assert.True(Sweep(_workspace.Spec(), ratios: null).Execute());

        var ws = _workspace.Directory;
        Assert.Equal(
            [$"sweep {ws}/gac.yaml --out {ws}/obj/gac/sweep --ratios 0.05,0.1", $"sweep {ws}/gac.yaml --out {ws}/obj/gac/sweep"],
            _workspace.Invocations);
    }

    [Fact]
    public void Malformed_ratios_are_gac_builds_GAC0090_error_on_the_spec()
    {
        var spec = _workspace.Spec("sweep say gac-build: error GAC0090: --ratios: 'x' is not a number (in 'x').", "sweep exit 2");
        spec.SetMetadata("SweepRatios", "x");

        Assert.False(Sweep(spec, ratios: null).Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("GAC0090", _workspace.PathOf("gac.yaml")), (error.Code, error.File));
    }

    [Fact]
    public void An_unknown_provider_is_refused_before_gac_build_starts()
    {
        var spec = _workspace.Spec();
        spec.SetMetadata("Provider", "tpu");

        Assert.False(Sweep(spec, ratios: null).Execute());

        Assert.Single(_engine.Errors);
        Assert.Empty(_workspace.Invocations);
    }

    private GacSweep Sweep(TaskItem spec, string? ratios) => new()
    {
        BuildEngine = _engine,
        Spec = spec,
        OutputDirectory = "obj/gac/sweep",
        Ratios = ratios,
        GacToolPath = _workspace.ToolPath,
        ProjectDirectory = _workspace.Directory,
    };

    public void Dispose() => _workspace.Dispose();
}
