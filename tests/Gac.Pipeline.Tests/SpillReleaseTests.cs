namespace Gac.Pipeline.Tests;

/// <summary>
/// The decomposition spill holds min(K,N)² per layer (22 GB in fp64 for Llama-3-8B): the apply pass is
/// its last reader, so each layer's spill is deleted once every variant has that layer's factors, and
/// the scratch disk holds the spill of the layers still to write, not of the whole model, beside the variants.
/// </summary>
public sealed class SpillReleaseTests : IDisposable
{
    private readonly string _scratchRoot = Directory.CreateTempSubdirectory("gac-scratch-root-").FullName;

    public void Dispose() => Directory.Delete(_scratchRoot, recursive: true);

    [Fact]
    public async Task Each_layer_s_spill_leaves_the_disk_once_its_factors_are_written_and_none_is_left_for_validation()
    {
        using var workspace = new PipelineWorkspace();
        var spillsAtLayer = new List<(int Layer, int Layers, int Spills)>();
        int? spillsAtValidation = null;
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == "apply" && System.Text.RegularExpressions.Regex.Match(p.Message, @"^\[(\d+)/(\d+)\]") is { Success: true } m)
            {
                spillsAtLayer.Add((int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Spills()));
            }
            else if (p.Step == "validate")
            {
                spillsAtValidation ??= Spills();
            }
        });

        var result = await GacPipeline.RunAsync(OneCandidate(workspace), new PipelineOptions { ScratchRoot = _scratchRoot }, progress);

        Assert.NotNull(result.Report);
        Assert.NotEmpty(spillsAtLayer);
        var layers = spillsAtLayer[0].Layers;
        Assert.Equal(layers, spillsAtLayer[0].Spills);                             // the plan pass spilled every layer
        foreach (var (layer, _, spills) in spillsAtLayer)
        {
            Assert.Equal(layers - (layer - 1), spills);                            // the layers written so far are gone
        }

        Assert.Equal(0, spillsAtValidation);
    }

    [Fact]
    public async Task When_a_plan_search_follows_the_spills_stay_for_it_and_no_layer_is_decomposed_twice()
    {
        using var workspace = new PipelineWorkspace();
        var spills = new List<int>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step is "apply" or "select")
            {
                spills.Add(Spills());
            }
        });

        await GacPipeline.RunAsync(workspace.Spec(method: "svd", ratio: 0.25), new PipelineOptions { ScratchRoot = _scratchRoot }, progress);

        Assert.Contains(spills, s => s > 0);
        Assert.All(spills, s => Assert.Equal(spills[0], s));                        // none deleted early, none computed again by the search
    }

    /// <summary>The workspace's svd spec with alignment.candidates: 1 — no layer probes, no plan search: the apply pass is the spills' last reader.</summary>
    private static Gac.Core.Spec.GacSpec OneCandidate(PipelineWorkspace workspace)
    {
        var path = workspace.Spec(method: "svd", ratio: 0.25).File.FullPath;
        File.WriteAllText(path, File.ReadAllText(path).Replace("  profile: generic-8\n", "  profile: generic-8\n  candidates: 1\n", StringComparison.Ordinal));
        return Gac.Core.Spec.GacSpecLoader.Load(path);
    }

    private int Spills() => Directory.GetFiles(_scratchRoot, "*.svd", SearchOption.AllDirectories).Length;

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
