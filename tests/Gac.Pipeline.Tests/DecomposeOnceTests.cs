using System.Text.RegularExpressions;

namespace Gac.Pipeline.Tests;

/// <summary>The plan pass decomposes every low-rank layer; the apply pass and later candidates read the spill back.</summary>
public sealed partial class DecomposeOnceTests
{
    [Theory]
    [InlineData("asvd")]
    [InlineData("svd")]
    public async Task Each_low_rank_layer_is_decomposed_once_per_run(string method)
    {
        using var workspace = new PipelineWorkspace();
        var lines = new List<PipelineProgress>();
        var progress = new SynchronousProgress(lines);

        var result = await GacPipeline.RunAsync(workspace.Spec(method: method, gate: "min_cosine: 0.5"), progress: progress);

        Assert.True(result.Accepted);
        var spectra = lines.Count(l => l.Step == "compress" && l.Message.Contains("spectrum of", StringComparison.Ordinal));
        var applied = lines.Count(l => l.Step == "apply" && l.Message.StartsWith('['));
        Assert.True(spectra > 0 && applied > 0);
        var counts = lines.Select(l => Counts().Match(l.Message)).Where(m => m.Success).ToList();
        Assert.NotEmpty(counts);
        var last = counts[^1];
        Assert.Equal(spectra, int.Parse(last.Groups["computed"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(last.Groups["reused"].Value, System.Globalization.CultureInfo.InvariantCulture) >= applied, "every applied layer was read back");
    }

    [GeneratedRegex(@"decompositions: (?<computed>\d+) computed in this run, (?<reused>\d+) read back")]
    private static partial Regex Counts();

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test wants every line in order before it asserts.</summary>
    private sealed class SynchronousProgress(List<PipelineProgress> lines) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
