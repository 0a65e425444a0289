using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Reports;
using Gac.Onnx.Synthetic;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Issue 13 items 1, 4, 10: no output replaces an input; reports land beside the artifact they
/// describe, together with it or not at all; a successful run leaves nothing but artifact and reports.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly string _scratchRoot = Directory.CreateTempSubdirectory("gac-scratch-root-").FullName;

    public void Dispose() => Directory.Delete(_scratchRoot, recursive: true);

    [Fact]
    public async Task Output_naming_the_model_is_GAC5023_exit_2_and_the_model_is_unchanged()
    {
        using var workspace = new PipelineWorkspace();
        var model = File.ReadAllBytes(workspace.ModelPath);

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(), Options(output: workspace.ModelPath)));

        AssertRefused(error, "GAC5023", "--output");
        Assert.Equal(model, File.ReadAllBytes(workspace.ModelPath));
        Assert.Empty(Directory.GetDirectories(_scratchRoot));
    }

    [Fact]
    public async Task An_export_path_whose_data_file_would_replace_the_spec_is_GAC5023_when_the_run_starts()
    {
        // export.path must be an .onnx file other than the model (GAC0016, GAC0023 at load); its data file is checked at run.
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(exportPath: "model.gac.onnx", name: "model.gac.onnx.data");
        var text = File.ReadAllText(spec.File.FullPath);

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(spec, Options()));

        AssertRefused(error, "GAC5023", "export.path");
        Assert.Equal(text, File.ReadAllText(spec.File.FullPath));
    }

    [Fact]
    public async Task Output_naming_the_models_external_data_file_is_GAC5023()
    {
        using var workspace = new PipelineWorkspace(PipelineWorkspace.DefaultModel with { Storage = WeightStorage.External });
        var data = workspace.ModelPath + ".data";
        var bytes = File.ReadAllBytes(data);

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(), Options(output: data)));

        AssertRefused(error, "GAC5023", "--output");
        Assert.Equal(bytes, File.ReadAllBytes(data));
    }

    [Fact]
    public async Task Output_whose_data_file_would_replace_the_spec_is_GAC5023()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(name: "run.yaml.data");

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(spec, Options(output: Path.Combine(workspace.Folder, "run.yaml"))));

        AssertRefused(error, "GAC5023", "external-data");
    }

    [Fact]
    public async Task A_report_dir_whose_report_would_replace_the_spec_is_GAC5023()
    {
        using var workspace = new PipelineWorkspace();
        var spec = workspace.Spec(name: ReportJson.FileName);
        var text = File.ReadAllText(spec.File.FullPath);

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(spec, Options(reportDir: workspace.Folder)));

        AssertRefused(error, "GAC5023", "--report-dir");
        Assert.Equal(text, File.ReadAllText(spec.File.FullPath));
    }

    [Fact]
    public async Task A_report_dir_naming_an_existing_file_fails_GAC5024_before_anything_is_published()
    {
        using var workspace = new PipelineWorkspace();
        var file = Path.Combine(workspace.Folder, "reports.txt");
        File.WriteAllText(file, "not a folder");

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(), Options(reportDir: file)));

        AssertRefused(error, "GAC5024", "--report-dir");
        Assert.False(File.Exists(workspace.ArtifactPath));
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public async Task Output_elsewhere_writes_its_reports_beside_it_and_leaves_the_spec_artifact_and_its_reports_alone()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2), Options())).Accepted);
        var specArtifact = Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!);
        var other = Path.Combine(workspace.Folder, "other", "model.gac.onnx");

        var result = await GacPipeline.RunAsync(workspace.Spec(ratio: 0.3), Options(output: other));

        Assert.True(result.Accepted);
        Assert.Equal(specArtifact, Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!));
        var report = ReportJson.Deserialize(File.ReadAllText(Path.Combine(workspace.Folder, "other", ReportJson.FileName)));
        Assert.Equal(other, report.Compression!.Artifact);
        Assert.All(result.ReportFiles, f => Assert.Equal(Path.GetDirectoryName(other), Path.GetDirectoryName(f)));
    }

    [Fact]
    public async Task A_successful_run_leaves_only_the_artifact_and_its_reports_no_lock_and_no_scratch()
    {
        using var workspace = new PipelineWorkspace();

        var result = await GacPipeline.RunAsync(workspace.Spec(externalData: "always"), Options());

        Assert.True(result.Accepted);
        var names = Directory.GetFiles(Path.GetDirectoryName(workspace.ArtifactPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["gac.junit.xml", "gac.plot.svg", "gac.report.json", "gac.report.md", "model.gac.onnx", "model.gac.onnx.data"], names);
        Assert.Empty(Directory.GetFileSystemEntries(_scratchRoot));
    }

    [Fact]
    public async Task A_one_file_artifact_replacing_one_with_external_data_leaves_no_stale_data_file()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(externalData: "always"), Options())).Accepted);
        Assert.True(File.Exists(workspace.ArtifactPath + ".data"));

        Assert.True((await GacPipeline.RunAsync(workspace.Spec(externalData: "never"), Options())).Accepted);

        Assert.False(File.Exists(workspace.ArtifactPath + ".data"));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(workspace.ArtifactPath);
        Assert.Single(session.OutputMetadata);
    }

    [Theory]
    [InlineData(CommitStep.ReportsWritten)]
    [InlineData(CommitStep.BetweenDataAndModelMove)]
    [InlineData(CommitStep.ReportsMoved)]
    [InlineData(CommitStep.ModelMoved)]
    [InlineData(CommitStep.Verified)]
    public async Task A_failure_at_a_commit_step_leaves_the_earlier_artifact_with_its_own_reports(CommitStep failAt)
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2, externalData: "always"), Options())).Accepted);
        var earlier = Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!);
        var options = Options() with { CommitHook = step => _ = step == failAt ? throw new IOException($"injected at {step}") : 0 };

        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(ratio: 0.3, externalData: "always"), options));

        Assert.Equal("GAC5011", error.Diagnostics[0].Code);
        Assert.Equal(earlier, Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!));
        Assert.Empty(Directory.GetFileSystemEntries(_scratchRoot));
    }

    [Fact]
    public async Task Cancelling_a_run_removes_its_scratch_and_leaves_the_earlier_artifact()
    {
        using var workspace = new PipelineWorkspace();
        Assert.True((await GacPipeline.RunAsync(workspace.Spec(ratio: 0.2), Options())).Accepted);
        var earlier = Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!);
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == "validate")
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GacPipeline.RunAsync(workspace.Spec(ratio: 0.3), Options(), progress,
            cancellation.Token));

        Assert.Equal(earlier, Snapshot(Path.GetDirectoryName(workspace.ArtifactPath)!));
        Assert.Empty(Directory.GetFileSystemEntries(_scratchRoot));
    }

    private PipelineOptions Options(string? output = null, string? reportDir = null)
        => new() { OutputPath = output, ReportDirectory = reportDir, ScratchRoot = _scratchRoot };

    private static void AssertRefused(GacException error, string code, string naming)
    {
        Assert.Equal(code, error.Diagnostics[0].Code);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains(naming, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    private static SortedDictionary<string, string> Snapshot(string folder)
        => new(Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f =>
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the callback before the step goes on.</summary>
    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
