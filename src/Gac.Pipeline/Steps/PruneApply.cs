using Gac.Core.Planning;
using Gac.Onnx;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5 for pruning: each group keeps its best-scored units at the target's width, and the graph
/// is sliced consistently (MLP channels first, then heads, on the result).
/// </summary>
public static class PruneApply
{
    /// <summary>The model with each group in <paramref name="widths"/> cut to its width (absent or null: kept whole).</summary>
    internal static ModelVariant Save(RunContext run, ImportedModel model, PrunePlan plan, IReadOnlyDictionary<string, int?> widths, string name, string? folder)
    {
        var channels = new List<ChannelPruning>();
        var heads = new List<HeadPruning>();
        foreach (var decision in plan.Problem.Decisions)
        {
            if (!widths.TryGetValue(decision.Id, out var planned) || planned is not { } width || width >= decision.MaxDimension)
            {
                continue;
            }

            var kept = Best(plan.UnitScores[decision.Id], width);
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
        using var data = VariantWriter.Begin(run, name, folder);
        ModelProto rewritten = model.File.Model.Clone();
        if (channels.Count > 0)
        {
            rewritten = ChannelPruneRewrite.Apply(model.File, channels, data, run.CancellationToken);
        }

        if (heads.Count > 0)
        {
            rewritten = HeadPruneRewrite.Apply(OnnxModelFile.FromModel(rewritten, model.Path), heads, data, run.CancellationToken);
        }

        return VariantWriter.Commit(run, model, data, rewritten, name, $"{channels.Count} MLP groups and {heads.Count} attention groups pruned", folder);
    }

    /// <summary>The indices of the <paramref name="count"/> highest scores, ascending (ties: lower index first).</summary>
    internal static IReadOnlyList<int> Best(IReadOnlyList<double> scores, int count)
        => scores.Select((s, i) => (s, i)).OrderByDescending(x => x.s).ThenBy(x => x.i).Take(count).Select(x => x.i).Order().ToArray();
}
