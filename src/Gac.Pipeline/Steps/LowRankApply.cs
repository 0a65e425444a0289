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
    internal static IReadOnlyList<ModelVariant> WriteVariants(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics,
        IReadOnlyList<Core.Model.LinearLayer> layers, IReadOnlyList<VariantTarget> targets)
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
            }

            run.Report("apply", $"decompositions: {run.Decompositions.Computed} computed in this run, {run.Decompositions.Reused} read back from the spill");
            return targets.Select((t, i) => VariantWriter.Commit(run, model, data[i], rewriters[i].Finish(), t.Name, $"{rewriters[i].Count} layers factored, {t.What}", t.Folder)).ToList();
        }
        finally
        {
            data.ForEach(d => d.Dispose());
        }
    }

    private static RewriteFactors Cut(LowRankDecomposition decomposition, string layer, int rank)
    {
        var factors = decomposition.Factorize(rank);
        return new RewriteFactors(layer, rank, factors.A, factors.B);
    }

    private static string Show(int? rank) => rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense";
}
