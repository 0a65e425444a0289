using Gac.Compression.LowRank;
using Gac.Core.Calibration;
using Gac.Onnx.Ir;
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
        var unalignedFactors = new List<RewriteFactors>();
        var alignedFactors = new List<RewriteFactors>();
        var factorizer = new LowRankFactorizer();
        var layers = plan.Unconstrained.Layers;
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var unaligned = plan.UnalignedRanks[layer.Name];
            var aligned = plan.AlignedRanks[layer.Name];
            if (unaligned is null && aligned is null)
            {
                continue;
            }

            run.Report("apply", $"[{index + 1}/{layers.Count}] {layer.Name}: rank {Show(unaligned)} unaligned, {Show(aligned)} aligned");
            using var decomposition = LowRankCompression.Decompose(run, factorizer, model, layer, statistics);
            if (unaligned is { } u)
            {
                unalignedFactors.Add(Cut(decomposition, layer.Name, u));
            }

            if (aligned is { } a)
            {
                alignedFactors.Add(a == unaligned && unalignedFactors.Count > 0 && unalignedFactors[^1].LayerName == layer.Name
                    ? unalignedFactors[^1]
                    : Cut(decomposition, layer.Name, a));
            }
        }

        return new ModelVariants(
            original,
            VariantWriter.Save(run, model, Rewrite(model, unalignedFactors), ModelVariant.UnalignedName, $"{unalignedFactors.Count} layers factored"),
            VariantWriter.Save(run, model, Rewrite(model, alignedFactors), ModelVariant.AlignedName, $"{alignedFactors.Count} layers factored"));
    }

    private static ModelProto Rewrite(ImportedModel model, IReadOnlyList<RewriteFactors> factors)
        => factors.Count == 0 ? model.File.Model.Clone() : LowRankRewrite.Apply(model.File, factors);

    private static RewriteFactors Cut(LowRankDecomposition decomposition, string layer, int rank)
    {
        var factors = decomposition.Factorize(rank);
        return new RewriteFactors(layer, rank, factors.A, factors.B);
    }

    private static string Show(int? rank) => rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense";
}
