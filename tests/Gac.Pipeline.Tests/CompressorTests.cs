using Gac.Core.Diagnostics;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Tests;

public sealed class CompressorTests
{
    /// <summary>Linear weights of <see cref="PipelineWorkspace.DefaultModel"/>: 2 × (4·96² + 3·96·200); biases excluded.</summary>
    private const long DenseWeights = 2 * ((4 * 96 * 96) + (3 * 96 * 200));

    /// <summary>One rank of every layer: Σ (K + N), the granularity of a uniform-ratio SVD.</summary>
    private const long OneRankEach = 2 * ((4 * (96 + 96)) + (3 * (96 + 200)));

    /// <summary>q/k/v/o biases, which compression keeps: 2 blocks × 4 × 96.</summary>
    private const long Biases = 2 * 4 * 96;

    [Fact]
    public async Task Asvd_is_more_faithful_than_plain_svd_at_the_same_budget()
    {
        using var workspace = new PipelineWorkspace();

        var svd = await GacPipeline.RunAsync(workspace.Spec(method: "svd", ratio: 0.3, strategy: "none", name: "svd.yaml"));
        var asvd = await GacPipeline.RunAsync(workspace.Spec(method: "asvd", ratio: 0.3, strategy: "none", name: "asvd.yaml"));

        // ASVD fills its budget to within 1% (grid allocation plus slack filling); uniform SVD floors one
        // rank per layer, so it stays under the budget by less than one rank of every layer.
        var budget = 0.7 * DenseWeights;
        Assert.InRange(asvd.Report.Plan!.ParametersUnaligned - Biases, budget * 0.99, budget * 1.01);
        Assert.InRange(svd.Report.Plan!.ParametersUnaligned - Biases, budget - OneRankEach, budget);
        // The paper's observation: the compressor's own ranks are mostly not multiples of 8.
        Assert.True(asvd.Report.Plan.MisalignedBefore * 2 > asvd.Report.Plan.CompressedBefore, $"{asvd.Report.Plan.MisalignedBefore} of {asvd.Report.Plan.CompressedBefore}");
        Assert.True(
            asvd.Report.FidelityUnaligned!.RelativeL2Error < svd.Report.FidelityUnaligned!.RelativeL2Error,
            $"ASVD {asvd.Report.FidelityUnaligned.RelativeL2Error} vs SVD {svd.Report.FidelityUnaligned.RelativeL2Error}");
    }

    [Fact]
    public async Task Unconstrained_asvd_ranks_are_mostly_misaligned_and_gac_aligns_all_within_the_same_budget()
    {
        using var workspace = new PipelineWorkspace();

        var plan = GacPipeline.Plan(workspace.Spec(method: "asvd", ratio: 0.3));

        var report = plan.Report!;
        var factored = report.Decisions.Where(d => !d.ChosenIsDense || d.Target < d.MaxDimension).ToList();
        Assert.NotEmpty(factored);
        Assert.True(report.Totals.AlignedPercentBefore < 100);
        Assert.Equal(100, report.Totals.AlignedPercentAfter);
        Assert.True(report.Totals.PlannedParams <= report.Totals.Budget);
    }

    [Fact]
    public async Task Pruning_slices_mlp_channels_and_heads_and_gac_aligns_every_group()
    {
        using var workspace = new PipelineWorkspace();

        var result = await GacPipeline.RunAsync(workspace.Spec(method: "prune", ratio: 0.25));

        Assert.True(result.Accepted);
        var plan = result.Report.Plan!;
        // compress.ratio is a share of the compressible weights for prune as for ASVD: the removed
        // channels and heads come to 25% of them within half an MLP channel (3·96 / 2 = 144 weights).
        Assert.InRange(plan.ParametersOriginal - plan.ParametersUnaligned, (0.25 * DenseWeights) - 144, (0.25 * DenseWeights) + 144);
        Assert.Equal(100, plan.AlignedPercentAfter);
        Assert.True(plan.ParametersUnaligned < plan.ParametersOriginal);
        Assert.True(plan.ParametersAligned <= plan.ParametersUnaligned, $"{plan.ParametersAligned} > {plan.ParametersUnaligned}");
        Assert.Contains(plan.Layers, l => l.Name.EndsWith(".attn", StringComparison.Ordinal) && l.Aligned < l.Original);
        Assert.Contains(plan.Layers, l => l.Name.EndsWith(".mlp", StringComparison.Ordinal) && l.Aligned < l.Original);
        Assert.True(result.Report.Fidelity!.Cosine > 0.9, $"cosine {result.Report.Fidelity.Cosine}");
    }

    [Theory]
    [InlineData("prune", typeof(PrunePlan))]
    [InlineData("asvd", typeof(LowRankPlan))]
    [InlineData("svd", typeof(LowRankPlan))]
    [InlineData("none", typeof(LowRankPlan))]
    public void The_method_chooses_the_plan_type_once_and_prune_plans_score_every_unit_of_every_group(string method, Type expected)
    {
        using var workspace = new PipelineWorkspace();

        var plan = GacPipeline.Plan(workspace.Spec(method: method, ratio: method == "none" ? 0 : 0.25)).Unconstrained;

        Assert.IsType(expected, plan);
        Assert.Equal(method == "none", plan.IsEmpty);
        if (plan is PrunePlan prune)
        {
            // Every pruning decision has one importance per unit it may keep: its whole width.
            Assert.All(prune.Problem.Decisions, d => Assert.Equal(d.MaxDimension, prune.UnitScores[d.Id].Count));
        }
        else
        {
            // Low rank decides per layer: every decision names one of the plan's linear layers.
            Assert.All(plan.Problem.Decisions, d => Assert.Contains(plan.Layers, l => l.Name == d.Id));
        }
    }

    [Fact]
    public async Task A_prune_ratio_beyond_what_the_groups_can_remove_is_bad_input_GAC2502()
    {
        using var workspace = new PipelineWorkspace();

        // Every group keeps one channel and one head, so 95% of the weights cannot go.
        var error = await Assert.ThrowsAsync<GacException>(() => GacPipeline.RunAsync(workspace.Spec(method: "prune", ratio: 0.95)));

        Assert.Equal("GAC2502", error.Diagnostics[0].Code);
        Assert.Contains("can remove at most 0.", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }
}
