using Gac.Compression.LowRank;
using Gac.Core.Calibration;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Rewrites;
using RewriteFactors = Gac.Onnx.Rewrites.LowRankFactors;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5 for low rank: cut each layer's factors at every target's rank from one decomposition,
/// rewrite the graph once per variant (W → A·B), convert to fp16 when the spec asks, and write the
/// models to the run's scratch folder. The original model file is never modified.
/// </summary>
public static class LowRankApply
{
    /// <summary>
    /// One model per target, each with its layers factored at the target's ranks (null or absent:
    /// dense), written in one pass over the layers: each layer is decomposed once and cut at every
    /// rank the targets ask for.
    /// </summary>
    /// <param name="final">No later step cuts these layers again (the apply pass, a sweep's one write; not a layer probe): each layer's spill is deleted as
    /// soon as every target has its factors, so the scratch disk holds the spills of the layers still to come beside the variants written so far.</param>
    internal static IReadOnlyList<ModelVariant> WriteVariants(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics,
        IReadOnlyList<Core.Model.LinearLayer> layers, IReadOnlyList<VariantTarget> targets, bool final = false)
    {
        var data = new List<ExternalDataBuilder>();
        try
        {
            var rewriters = new List<LowRankRewriter>();
            foreach (var target in targets)
            {
                data.Add(VariantWriter.Begin(run, target.Name, target.Folder));
                rewriters.Add(new LowRankRewriter(model.File, data[^1]));
            }

            var factorizer = new LowRankFactorizer();
            foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
            {
                run.CancellationToken.ThrowIfCancellationRequested();
                var ranks = targets.Select(t => t.Ranks.TryGetValue(layer.Name, out var r) ? r : null).ToArray();
                if (ranks.All(r => r is null))
                {
                    Release(run, layer, final);                              // dense everywhere: its spill has no reader left
                    continue;
                }

                run.Report("apply", $"[{index + 1}/{layers.Count}] {layer.Name}: rank {string.Join(" / ", ranks.Distinct().Select(Show))}");
                // One decomposition serves every cut; each rewriter writes its factors out before the next layer.
                using var decomposition = LowRankCompression.Decompose(run, factorizer, model, layer, statistics);
                var cuts = new Dictionary<int, RewriteFactors>();
                for (var t = 0; t < targets.Count; t++)
                {
                    if (ranks[t] is { } rank)
                    {
                        if (!cuts.TryGetValue(rank, out var factors))
                        {
                            factors = Cut(decomposition, layer.Name, rank);
                            cuts[rank] = factors;
                        }

                        rewriters[t].Split(factors);
                    }
                }

                // Every target has this layer's factors in its data file now: no later step reads its spill.
                Release(run, layer, final);
            }

            run.Report("apply", $"decompositions: {run.Decompositions.Computed} computed in this run, {run.Decompositions.Reused} read back from the spill" +
                (final ? $", {run.Decompositions.Released} spill(s) deleted once written" : string.Empty));
            return targets.Select((t, i) => VariantWriter.Commit(run, model, data[i], rewriters[i].Finish(), t.Name,
                $"{rewriters[i].Count} layers factored, {t.What}", t.Folder)).ToList();
        }
        finally
        {
            data.ForEach(d => d.Dispose());
        }
    }

    private static void Release(RunContext run, Core.Model.LinearLayer layer, bool final)
    {
        if (final)
        {
            run.Decompositions.Release(layer.Name);
        }
    }

    private static RewriteFactors Cut(LowRankDecomposition decomposition, string layer, int rank)
    {
        var factors = decomposition.Factorize(rank);
        return new RewriteFactors(layer, rank, factors.A, factors.B);
    }

    private static string Show(int? rank) => rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense";
}
