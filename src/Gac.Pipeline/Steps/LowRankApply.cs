using Gac.Compression.LowRank;
using Gac.Core.Calibration;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Discovery;
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
            Save(run, model, unalignedFactors, ModelVariant.UnalignedName),
            Save(run, model, alignedFactors, ModelVariant.AlignedName));
    }

    private static RewriteFactors Cut(LowRankDecomposition decomposition, string layer, int rank)
    {
        var factors = decomposition.Factorize(rank);
        return new RewriteFactors(layer, rank, factors.A, factors.B);
    }

    private static ModelVariant Save(RunContext run, ImportedModel model, IReadOnlyList<RewriteFactors> factors, string name)
    {
        var rewritten = factors.Count == 0 ? model.File.Model.Clone() : LowRankRewrite.Apply(model.File, factors);
        if (run.Spec.Export.DType == ExportDType.Fp16)
        {
            rewritten = Fp16Conversion.Apply(OnnxModelFile.FromModel(rewritten, model.Path));
        }

        var path = run.Scratch($"{name}.onnx");
        // Wrapped with the original's path so tensors it left in external data still resolve.
        var source = OnnxModelFile.FromModel(rewritten, model.Path);
        OnnxModelWriter.Write(source, path, new OnnxSaveOptions { ExternalData = ExternalDataFor(run.Spec.Export.ExternalData) });
        var parameters = LinearLayerDiscovery.Discover(rewritten).LinearParameters;
        run.Report("apply", $"{name}: {parameters:N0} linear parameters ({factors.Count} layers factored)");
        return new ModelVariant(name, path, parameters);
    }

    private static ExternalDataPolicy ExternalDataFor(ExternalDataMode mode) => mode switch
    {
        ExternalDataMode.Always => ExternalDataPolicy.External,
        ExternalDataMode.Never => ExternalDataPolicy.Embed,
        _ => ExternalDataPolicy.Auto,
    };

    private static string Show(int? rank) => rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "dense";
}
