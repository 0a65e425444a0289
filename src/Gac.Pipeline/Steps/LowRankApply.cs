using Gac.Compression.LowRank;
using Gac.Core.Calibration;
using Gac.Onnx.Rewrites;
using RewriteFactors = Gac.Onnx.Rewrites.LowRankFactors;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5: cut each layer's factors at the unaligned and the aligned rank from one decomposition,
/// rewrite the graph twice (W → A·B), convert to fp16 when the spec asks, and write both models to
/// the run's scratch folder. The original model file is never modified.
/// </summary>
public static class LowRankApply
{
    public static ModelVariants Write(RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, AlignedPlan plan)
    {
        var original = new ModelVariant(ModelVariant.OriginalName, model.Path, model.Inventory.LinearParameters);
        using var unalignedData = VariantWriter.Begin(run, ModelVariant.UnalignedName);
        using var alignedData = VariantWriter.Begin(run, ModelVariant.AlignedName);
        var unaligned = new LowRankRewriter(model.File, unalignedData);
        var aligned = new LowRankRewriter(model.File, alignedData);
        var factorizer = new LowRankFactorizer();
        var layers = plan.Unconstrained.Layers;
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var unalignedRank = plan.UnalignedRanks[layer.Name];
            var alignedRank = plan.AlignedRanks[layer.Name];
            if (unalignedRank is null && alignedRank is null)
            {
                continue;
            }

            run.Report("apply", $"[{index + 1}/{layers.Count}] {layer.Name}: rank {Show(unalignedRank)} unaligned, {Show(alignedRank)} aligned");
            // One decomposition serves both cuts; each rewriter writes its factors out before the next layer.
            using var decomposition = LowRankCompression.Decompose(run, factorizer, model, layer, statistics);
            var unalignedFactors = unalignedRank is { } u ? Cut(decomposition, layer.Name, u) : null;
            if (unalignedFactors is not null)
            {
                unaligned.Split(unalignedFactors);
            }

            if (alignedRank is { } a)
            {
                aligned.Split(a == unalignedRank ? unalignedFactors! : Cut(decomposition, layer.Name, a));
            }
        }

        return new ModelVariants(
            original,
            VariantWriter.Commit(run, model, unalignedData, unaligned.Finish(), ModelVariant.UnalignedName, $"{unaligned.Count} layers factored"),
            VariantWriter.Commit(run, model, alignedData, aligned.Finish(), ModelVariant.AlignedName, $"{aligned.Count} layers factored"));
    }

    private static RewriteFactors Cut(LowRankDecomposition decomposition, string layer, int rank)
    {
        var factors = decomposition.Factorize(rank);
        return new RewriteFactors(layer, rank, factors.A, factors.B);
    }

    private static string Show(int? rank) => rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense";
}
