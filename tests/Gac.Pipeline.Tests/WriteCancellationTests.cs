namespace Gac.Pipeline.Tests;

/// <summary>
/// Cancellation reaches into the writing of the variants (Gac.Onnx's rewrites and model writer take
/// the run's token): a run cancelled just before its models are written stops inside the first
/// write, finishes no variant, leaves no scratch and does not touch the earlier artifact. The host
/// turns the <see cref="OperationCanceledException"/> into GAC0050 with exit 130 or 143 (Gac.Cli).
/// </summary>
public sealed class WriteCancellationTests : IDisposable
{
    private readonly string _scratchRoot = Directory.CreateTempSubdirectory("gac-scratch-root-").FullName;

    public void Dispose() => Directory.Delete(_scratchRoot, recursive: true);

    /// <remarks>
    /// Prune: cancelled at alignment, the step before writing, which checks no token itself, so the
    /// pruning rewrite is where it stops. SVD (every layer factored): cancelled as the last layer is
    /// cut, after the last per-layer check, so writing the model and its data is where it stops.
    /// </remarks>
    [Theory]
    [InlineData("prune")]
    [InlineData("svd")]
    public async Task A_run_cancelled_as_its_variants_are_written_finishes_none_and_leaves_the_earlier_artifact(string method)
    {
        using var workspace = new PipelineWorkspace();
        Directory.CreateDirectory(Path.GetDirectoryName(workspace.ArtifactPath)!);
        File.WriteAllText(workspace.ArtifactPath, "earlier artifact");
        using var cancellation = new CancellationTokenSource();
        var afterCancel = new List<PipelineProgress>();
        var progress = new SynchronousProgress(p =>
        {
            if (cancellation.IsCancellationRequested)
            {
                afterCancel.Add(p);
            }
            else if (method == "prune" ? p.Step == "align" : p.Step == "apply" && IsLastLayer(p.Message))
            {
                cancellation.Cancel();
            }
        });
        var spec = workspace.Spec(method: method, ratio: 0.25, strategy: "round-up");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => GacPipeline.RunAsync(spec, new PipelineOptions { ScratchRoot = _scratchRoot }, progress, cancellation.Token));

        Assert.True(cancellation.IsCancellationRequested, "the run never reached alignment");
        // VariantWriter reports "<variant>: N linear parameters (…)" once a model and its data are written.
        Assert.DoesNotContain(afterCancel, p => p.Step == "apply" && p.Message.Contains("linear parameters", StringComparison.Ordinal));
        Assert.Equal("earlier artifact", File.ReadAllText(workspace.ArtifactPath));
        Assert.Equal(["model.gac.onnx"], Directory.GetFileSystemEntries(Path.GetDirectoryName(workspace.ArtifactPath)!).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(_scratchRoot));
    }

    /// <summary>"[n/n] layer: rank …", the apply step's report for the last layer.</summary>
    private static bool IsLastLayer(string message)
        => System.Text.RegularExpressions.Regex.Match(message, @"^\[(\d+)/(\d+)\]") is { Success: true } m && m.Groups[1].Value == m.Groups[2].Value;

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the callback before the step goes on.</summary>
    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
