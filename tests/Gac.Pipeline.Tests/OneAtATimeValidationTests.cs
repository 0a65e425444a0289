namespace Gac.Pipeline.Tests;

/// <summary>
/// validation.sessions: one-at-a-time is how a model larger than a third of memory is validated:
/// each variant loaded, measured and released in turn. It must measure the same thing.
/// </summary>
public sealed class OneAtATimeValidationTests
{
    [Fact]
    public async Task One_at_a_time_gives_the_same_fidelity_and_all_three_timings_and_says_so()
    {
        using var workspace = new PipelineWorkspace();

        var together = await GacPipeline.RunAsync(workspace.Spec(sessions: "together"));
        var oneAtATime = await GacPipeline.RunAsync(workspace.Spec(sessions: "one-at-a-time"));

        Assert.True(oneAtATime.Accepted);
        // Same held-out inputs, same models, same CPU kernels: the comparison is the same number.
        Assert.Equal(together.Report.Fidelity!.RelativeL2Error, oneAtATime.Report.Fidelity!.RelativeL2Error, 12);
        Assert.Equal(together.Report.FidelityUnaligned!.RelativeL2Error, oneAtATime.Report.FidelityUnaligned!.RelativeL2Error, 12);
        Assert.NotEqual(together.Report.Fidelity.RelativeL2Error, together.Report.FidelityUnaligned.RelativeL2Error);
        var latency = Assert.Single(oneAtATime.Report.Latency);
        Assert.Equal(["original", "unaligned", "gac"], latency.Variants.Select(v => v.Variant).ToArray());
        Assert.All(latency.Variants, v => Assert.Equal(10, v.Iterations));
        Assert.Equal(3, latency.Speedups.Count);
        Assert.Contains(oneAtATime.Report.Warnings, w => w.Contains("GAC4012", StringComparison.Ordinal));
        Assert.DoesNotContain(together.Report.Warnings, w => w.Contains("GAC4012", StringComparison.Ordinal));
    }
}
