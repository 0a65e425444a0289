using Gac.Core.Planning;
using Gac.Onnx;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5 for pruning: each group keeps its best-scored units at the unaligned and the aligned
/// width, and the graph is sliced consistently (MLP channels first, then heads, on the result).
/// </summary>
public static class PruneApply
{
    public static ModelVariants Write(RunContext run, ImportedModel model, AlignedPlan plan)
    {
        var original = new ModelVariant(ModelVariant.OriginalName, model.Path, model.Inventory.LinearParameters);
        return new ModelVariants(
            original,
            Save(run, model, plan, plan.UnalignedRanks, ModelVariant.UnalignedName),
            Save(run, model, plan, plan.AlignedRanks, ModelVariant.AlignedName));
    }

    private static ModelVariant Save(RunContext run, ImportedModel model, AlignedPlan plan, IReadOnlyDictionary<string, int?> widths, string name)
    {
        var decisions = plan.Unconstrained.Problem!.Decisions;
        var scores = plan.Unconstrained.UnitScores!;
        var channels = new List<ChannelPruning>();
        var heads = new List<HeadPruning>();
        foreach (var decision in decisions)
        {
            if (widths[decision.Id] is not { } width || width >= decision.MaxDimension)
            {
                continue;
            }

            var kept = Best(scores[decision.Id], width);
            if (decision.Kind == DecisionKind.AttentionHeads)
            {
                heads.Add(new HeadPruning(decision.Id, kept));
            }
            else
            {
                channels.Add(new ChannelPruning(decision.Id, kept));
            }
        }

        // Each group's sliced weights go to the variant's data file as soon as they are cut.
        using var data = VariantWriter.Begin(run, name);
        ModelProto rewritten = model.File.Model.Clone();
        if (channels.Count > 0)
        {
            rewritten = ChannelPruneRewrite.Apply(model.File, channels, data);
        }

        if (heads.Count > 0)
        {
            rewritten = HeadPruneRewrite.Apply(OnnxModelFile.FromModel(rewritten, model.Path), heads, data);
        }

        return VariantWriter.Commit(run, model, data, rewritten, name, $"{channels.Count} MLP groups and {heads.Count} attention groups pruned");
    }

    /// <summary>The indices of the <paramref name="count"/> highest scores, ascending (ties: lower index first).</summary>
    internal static IReadOnlyList<int> Best(IReadOnlyList<double> scores, int count)
        => scores.Select((s, i) => (s, i)).OrderByDescending(x => x.s).ThenBy(x => x.i).Take(count).Select(x => x.i).Order().ToArray();
}
