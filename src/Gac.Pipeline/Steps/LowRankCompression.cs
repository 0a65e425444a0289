using Gac.Core.Diagnostics;
using Gac.Compression;
using Gac.Compression.LowRank;
using Gac.Core.Calibration;
using Gac.Core.Model;
using Gac.Core.Planning;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 3: the wrapped low-rank compressor, unconstrained. Each layer's (activation-scaled) spectrum
/// gives its sensitivity on ASVD's ratio grid and its error curve; ASVD allocates ranks by
/// sensitivity under the global budget, SVD uses one ratio for all. One layer is decomposed at a
/// time and its native tensors freed before the next.
/// </summary>
public static class LowRankCompression
{
    public static LowRankPlan Plan(RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics)
    {
        var compress = run.Spec.Compress;
        switch (compress.Method)
        {
            case CompressionMethod.None:
                return LowRankPlan.Empty("none");
        }

        if (compress.Ratio <= 0)
        {
            run.Report("compress", "ratio 0: every layer stays dense");
            return LowRankPlan.Empty(SpecEnumText.ToText(compress.Method));
        }

        return Allocate(run, model, Spectra(run, model, statistics), compress.Ratio);
    }

    /// <summary>
    /// Decomposes every compressible layer (through the run's decomposition cache, so the apply pass and
    /// every ratio of a sweep read it back instead of decomposing again) and reads its sensitivity from
    /// the spectrum.
    /// </summary>
    internal static IReadOnlyList<LayerSensitivity> Spectra(
        RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics)
    {
        TorchRuntime.EnsureLoaded();
        var factorizer = new LowRankFactorizer();
        var sensitivities = new List<LayerSensitivity>();
        foreach (var (layer, index) in model.Compressible.Select((l, i) => (l, i)))
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            run.Report("compress", $"[{index + 1}/{model.Compressible.Count}] spectrum of {layer.Name} ({layer.InFeatures}×{layer.OutFeatures})");
            Core.Memory.LargeObjects.ReleaseAfter(4 * layer.InFeatures * layer.OutFeatures); // the previous layer's weight arrays
            using var decomposition = Decompose(run, factorizer, model, layer, statistics);
            sensitivities.Add(LayerSensitivity.FromSpectrum(decomposition));
        }

        return sensitivities;
    }

    /// <summary>The compressor's ranks at compression ratio <paramref name="ratio"/> from the layers' spectra.</summary>
    internal static LowRankPlan Allocate(RunContext run, ImportedModel model, IReadOnlyList<LayerSensitivity> sensitivities, double ratio)
    {
        var compress = run.Spec.Compress;
        Gac.Compression.LowRank.RankAllocation allocation;
        try
        {
            allocation = compress.Method == CompressionMethod.Asvd
                ? RankAllocator.Allocate(sensitivities, ratio)
                : RankAllocator.Uniform(model.Compressible.Select(l => (l.Name, l.InFeatures, l.OutFeatures)).ToList(), ratio);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "compressionRatio")
        {
            // The readiness check refuses ratios above ASVD's grid; this catches what rank flooring still leaves infeasible.
            throw GacException.Create(
                DiagnosticCatalogue.PlanInfeasible,
                $"compress.ratio {ratio.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}: {e.Message.Split(" (Parameter", 2)[0]} Use a " +
                    $"lower compress.ratio.",
                new SourceLocation(run.Spec.File.Text),
                e);
        }

        var targets = allocation.ToTargets(sensitivities).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var decisions = model.Compressible.Zip(sensitivities, (layer, sensitivity) =>
        {
            var rank = allocation.Layers.Single(l => l.Name == layer.Name).Rank;
            var curve = sensitivity.ErrorCurve is { } c ? ErrorCurve.FromDense(c) : null;
            return PlanningDecision.LowRank(
                layer.Name,
                layer.InFeatures,
                layer.OutFeatures,
                rank ?? Math.Min(layer.InFeatures, layer.OutFeatures),
                importance: targets[layer.Name].Importance,
                hasBias: layer.HasBias,
                errorCurve: curve);
        }).ToList();

        var method = SpecEnumText.ToText(compress.Method);
        var problem = new PlanningProblem($"{Path.GetFileNameWithoutExtension(model.Path)}-{method}", decisions, PlanningBudget.SameAsTargets);
        var kept = allocation.Layers.Count(l => l.Rank is null);
        run.Report("compress", $"{method}: {allocation.Parameters:N0} of {allocation.DenseParameters:N0} weights kept, {kept} layer(s) left dense");
        return new LowRankPlan(method, model.Compressible, problem);
    }

    /// <summary>
    /// ASVD decomposes diag(S)·W with S from the layer's calibration statistics; SVD decomposes W.
    /// Through the run's <see cref="RunContext.Decompositions"/>: the plan pass computes each layer's
    /// decomposition, the apply pass and later candidates read it back.
    /// </summary>
    internal static LowRankDecomposition Decompose(
        RunContext run, LowRankFactorizer factorizer, ImportedModel model, LinearLayer layer, IReadOnlyDictionary<string, ActivationStatistics> statistics)
    {
        var weight = new WeightMatrix(checked((int)layer.InFeatures), checked((int)layer.OutFeatures), model.Weights.Weight(layer));
        var scale = run.Spec.Compress.Method == CompressionMethod.Asvd && statistics.TryGetValue(layer.Name, out var stats)
            ? ActivationAwareScaling.ChannelScale(stats, run.Spec.Compress.Asvd.Alpha)
            : null;
        return run.Decompositions.Decompose(factorizer, layer.Name, weight, scale);
    }
}
