using System.Text.Json;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Pipeline.Bundles;

namespace Gac.Pipeline.Tests;

/// <summary>
/// The compress/validate split: a bundle written by the compress stage and validated afterwards
/// decides what one <c>run</c> decides, and a bundle that no longer matches is refused before any
/// measurement.
/// </summary>
public sealed class CandidateBundleTests
{
    [Fact]
    public async Task Compress_then_validate_reports_what_run_reports()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(gate: "min_aligned_percent: 100\nmin_cosine: 0.5");
        var whole = await GacPipeline.RunAsync(spec);
        var runReport = File.ReadAllText(workspace.ReportPath(ReportJson.FileName));
        File.Delete(workspace.ArtifactPath);

        var bundle = Path.Combine(workspace.Folder, "bundle");
        var manifest = GacPipeline.CompressToBundle(spec, bundle);
        Assert.False(File.Exists(workspace.ArtifactPath), "the compress stage publishes nothing");
        var split = await GacPipeline.ValidateAsync(bundle);

        Assert.True(whole.Accepted);
        Assert.Equal(whole.Accepted, split.Accepted);
        Assert.True(File.Exists(workspace.ArtifactPath));
        var a = ReportJson.Deserialize(runReport);
        var b = ReportJson.Deserialize(File.ReadAllText(workspace.ReportPath(ReportJson.FileName)));

        // Everything but latency (timed anew) and the timestamp is the same content.
        Assert.Equal(Json(a.Plan), Json(b.Plan));
        Assert.Equal(Json(a.Fidelity), Json(b.Fidelity));
        Assert.Equal(Json(a.FidelityUnaligned), Json(b.FidelityUnaligned));
        Assert.Equal(Json(a.Compression), Json(b.Compression));
        Assert.Equal(Json(a.Selection), Json(b.Selection));
        Assert.Equal(Json(a.Inputs), Json(b.Inputs));
        Assert.Equal(a.Warnings, b.Warnings);
        Assert.Equal(a.Gate.Accepted, b.Gate.Accepted);
        Assert.Equal(a.Gate.Goals.Select(g => (g.Name, g.Status)), b.Gate.Goals.Select(g => (g.Name, g.Status)));
        Assert.Equal(Json(a.Gate.Goals.Single(g => g.Name.Contains("cosine", StringComparison.Ordinal))), Json(b.Gate.Goals.Single(g => g.Name.Contains(
            "cosine", StringComparison.Ordinal))));
        Assert.Equal(a.Latency.Select(l => l.Variants.Select(v => v.Variant).ToList()).SelectMany(v => v), b.Latency.Select(l => l.Variants.Select(v =>
            v.Variant).ToList()).SelectMany(v => v));

        // The bundle is not consumed: every listed file is still there, so validate can be rerun.
        Assert.All(manifest.Files, f => Assert.True(File.Exists(Path.Combine(bundle, f.Path)), f.Path));
        Assert.Equal("../gac.yaml", manifest.Spec.Path);
    }

    [Fact]
    public void The_compress_stage_takes_a_cuda_graph_spec_on_a_machine_without_cuda()
    {
        // validation.cuda_graph is the validate machine's setting: the compress job only calibrates, on the CPU,
        // and refusing the spec there (GAC4062, "the provider is cpu") made the GPU half of the split unreachable.
        using var workspace = new PipelineWorkspace();
        var bundle = Path.Combine(workspace.Folder, "bundle");

        var manifest = GacPipeline.CompressToBundle(workspace.Spec(provider: "cuda", cudaGraph: true), bundle);

        Assert.True(workspace.Spec(provider: "cuda", cudaGraph: true).Validation.CudaGraph);
        Assert.NotEmpty(manifest.Files);
        Assert.All(manifest.Files, f => Assert.True(File.Exists(Path.Combine(bundle, f.Path)), f.Path));
    }

    [Fact]
    public async Task A_rejected_validate_leaves_an_earlier_accepted_artifact_byte_identical()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2))).Accepted);
        var accepted = File.ReadAllBytes(workspace.ArtifactPath);
        var bundle = Path.Combine(workspace.Folder, "bundle");
        GacPipeline.CompressToBundle(workspace.Spec(ratio: 0.5, gate: "max_relative_error: 0.0000001"), bundle);

        var rejected = await GacPipeline.ValidateAsync(bundle);

        Assert.False(rejected.Accepted);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Equal(accepted, File.ReadAllBytes(workspace.ArtifactPath));
        Assert.True(File.Exists(workspace.ReportPath("gac.rejected.report.json")));
    }

    [Fact]
    public async Task A_bundle_that_no_longer_matches_is_refused_with_its_own_code_before_any_measurement()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec();
        var bundle = Path.Combine(workspace.Folder, "bundle");
        var manifest = GacPipeline.CompressToBundle(spec, bundle);
        var pristine = Path.Combine(workspace.Folder, "pristine");
        CopyFolder(bundle, pristine);

        async Task<GacException> Refused(Action damage, string? specPath = null)
        {
            Directory.Delete(bundle, recursive: true);
            CopyFolder(pristine, bundle);
            damage();
            var e = await Assert.ThrowsAsync<GacException>(() => GacPipeline.ValidateAsync(bundle, specPath));
            Assert.Equal(ExitCodes.BadInput, e.ExitCode);
            Assert.False(File.Exists(workspace.ArtifactPath), "nothing was published");
            return e;
        }

        var candidate = manifest.Files.First(f => f.Path.StartsWith("candidate/", StringComparison.Ordinal)).Path;
        Assert.Equal("GAC1803", (await Refused(() => FlipLastByte(Path.Combine(bundle, candidate)))).Diagnostics[0].Code);
        Assert.Equal("GAC1803", (await Refused(() => File.AppendAllText(Path.Combine(bundle, candidate), "x"))).Diagnostics[0].Code);
        Assert.Equal("GAC1802", (await Refused(() => File.Delete(Path.Combine(bundle, manifest.Variants.Unaligned.Path)))).Diagnostics[0].Code);
        Assert.Equal("GAC1800", (await Refused(() => File.Delete(Path.Combine(bundle, BundleManifest.FileName)))).Diagnostics[0].Code);
        Assert.Equal("GAC1805", (await Refused(() => Rewrite(bundle, m => m with { ToolVersion = "0.0.1-other" }))).Diagnostics[0].Code);
        Assert.Equal("GAC1803", (await Refused(() => Rewrite(bundle, m =>
            m with { Files = [.. m.Files.Select(f => f with { Path = "../" + Path.GetFileName(workspace.ModelPath) })] }))).Diagnostics[0].Code);
        var specBytes = File.ReadAllBytes(spec.File.FullPath);
        var changed = await Refused(() => File.AppendAllText(spec.File.FullPath, "\n# edited after compress\n"));
        Assert.Equal("GAC1801", changed.Diagnostics[0].Code);
        File.WriteAllBytes(spec.File.FullPath, specBytes);
        Assert.Equal("GAC1806", (await Refused(() => { }, specPath: Path.Combine(workspace.Folder, "absent.yaml"))).Diagnostics[0].Code);

        // The pristine copy still validates: the checks refused damage, not the bundle format.
        Directory.Delete(bundle, recursive: true);
        CopyFolder(pristine, bundle);
        Assert.True((await GacPipeline.ValidateAsync(bundle)).Accepted);
    }

    [Fact]
    public void Changed_missing_or_new_data_files_are_named_in_one_refusal()
    {
        var recorded = new[] { new BundleInput("data/tokens.txt", "aa"), new BundleInput("data/tok.json", "bb") };
        BundleChecks.Inputs(recorded, recorded, "gac.yaml");

        var e = Assert.Throws<GacException>(() => BundleChecks.Inputs(
            recorded,
            [new BundleInput("data/tokens.txt", "cc"), new BundleInput("data/tok.json", string.Empty), new BundleInput("data/more.npy", "dd")],
            "gac.yaml"));

        Assert.Equal("GAC1804", e.Diagnostics[0].Code);
        Assert.Contains("'data/tokens.txt' has SHA-256 cc, recorded aa", e.Message, StringComparison.Ordinal);
        Assert.Contains("'data/tok.json' is missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("'data/more.npy' is new", e.Message, StringComparison.Ordinal);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ReportJson.Options);

    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void Rewrite(string bundle, Func<BundleManifest, BundleManifest> change)
        => File.WriteAllText(Path.Combine(bundle, BundleManifest.FileName), change(BundleManifest.Read(bundle)).Serialize());

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
