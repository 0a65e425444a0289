using Gac.Compression;
using Gac.Compression.Pruning;
using Gac.Core.Calibration;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Planning;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 3 for <c>method: prune</c>: structured pruning of coupled groups (an MLP's intermediate
/// channels, an attention block's heads). Each unit is scored by activation-weighted magnitude summed
/// over the group, units are ranked globally, and each group's kept count becomes one decision —
/// a coupled dimension is one choice for gate, up and down; heads stay whole (GAC-METHOD §4, §5).
/// </summary>
public static class PruneCompression
{
    public static PrunePlan Plan(RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics)
    {
        var prune = run.Spec.Compress.Prune;
        var mlpOnly = !prune.Targets.Contains(PruneTarget.Heads);
        var importances = new List<GroupImportance>();
        var mlpBlock = 0;
        var attentionBlock = 0;
        foreach (var group in model.Inventory.Groups)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            var members = group.Members.Select(m => model.Inventory.Layers.Single(l => l.Name == m)).ToList();
            if (group.Kind == GroupKind.Mlp && prune.Targets.Contains(PruneTarget.Mlp))
            {
                importances.Add(MlpImportance(model, group, members, statistics, mlpBlock));
            }
            else if (group.Kind == GroupKind.Attention && !mlpOnly)
            {
                importances.Add(HeadImportance(model, group, members, statistics, attentionBlock));
            }

            _ = group.Kind == GroupKind.Mlp ? mlpBlock++ : attentionBlock++;
        }

        if (importances.Count == 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.PruningNotAvailable,
                $"'{run.Spec.Model.Path.Text}' has no {(mlpOnly ? "MLP" : "MLP or attention")} group to prune; `gac-build audit` lists the groups found.",
                new SourceLocation(run.Spec.File.Text));
        }

        // compress.ratio is a share of all compressible linear weights (Σ K·N, the low-rank methods' base
        // too), attention included even when only MLP channels may go, so prune and ASVD meet one budget.
        var options = new PruningOptions(
            run.Spec.Compress.Ratio, prune.KeepFirstBlocks, prune.KeepLastBlocks, mlpOnly, model.Compressible.Sum(l => l.InFeatures * l.OutFeatures));
        if (run.Spec.Compress.Ratio > StructuredPruning.MaxRatio(importances, options))
        {
            throw GacException.Create(
                DiagnosticCatalogue.PruningRatioInfeasible,
                StructuredPruning.InfeasibleMessage(importances, options),
                new SourceLocation(run.Spec.File.Text));
        }

        var pruned = StructuredPruning.Plan(importances, options);
        var headDims = model.Inventory.Groups.Where(g => g.HeadDim is not null).ToDictionary(g => g.Name, g => g.HeadDim!.Value, StringComparer.Ordinal);
        var curves = PruningObjective.Curves(pruned);
        var decisions = pruned.Select(p => Decision(p, headDims, curves[p.Group.Name])).ToList();
        var problem = new PlanningProblem($"{Path.GetFileNameWithoutExtension(model.Path)}-prune", decisions, PlanningBudget.SameAsTargets);
        var removedParams = pruned.Sum(p => (p.Group.Units - p.Kept.Count) * p.Group.ParamsPerUnit);
        run.Report(
            "compress",
            $"prune: {removedParams:N0} of {options.CompressibleParameters:N0} compressible weights removed; " +
                $"{string.Join(", ", pruned.Select(p => $"{p.Group.Name} {p.Kept.Count}/{p.Group.Units}"))}");
        return new PrunePlan(model.Compressible, problem, importances.ToDictionary(i => i.Name, i => i.UnitScores, StringComparer.Ordinal));
    }

    private static PlanningDecision Decision(PrunedGroup pruned, IReadOnlyDictionary<string, int> headDims, (ErrorCurve Curve, double Norm) loss)
    {
        var target = pruned.ToTarget();
        var group = pruned.Group;
        var decision = group.Kind == Compression.Planning.TargetKind.AttentionHeads
            ? PlanningDecision.AttentionHeads(group.Name, group.Units, headDims[group.Name], group.ParamsPerUnit, target.TargetDim, target.Importance,
                group.FixedParams, loss.Curve, errorNorm: loss.Norm)
            : PlanningDecision.MlpChannels(group.Name, group.Units, group.ParamsPerUnit, target.TargetDim, target.Importance, group.FixedParams, loss.Curve,
                errorNorm: loss.Norm);
        return decision with { ErrorKind = ErrorCurveKind.Loss };
    }

    private static GroupImportance MlpImportance(
        ImportedModel model, LinearGroup group, IReadOnlyList<LinearLayer> members, IReadOnlyDictionary<string, ActivationStatistics> statistics, int block)
    {
        var up = members.Single(l => l.Role == LinearRole.MlpUp);
        var down = members.Single(l => l.Role == LinearRole.MlpDown);
        var gate = members.SingleOrDefault(l => l.Role == LinearRole.MlpGate);
        var weights = new MlpWeights(
            group.Name, block, Matrix(model, up), Matrix(model, down), gate is null ? null : Matrix(model, gate),
            model.Weights.Bias(up), gate is null ? null : model.Weights.Bias(gate), model.Weights.Bias(down));
        return StructuredImportance.MlpChannels(weights, statistics[up.Name], statistics[down.Name]);
    }

    private static GroupImportance HeadImportance(
        ImportedModel model, LinearGroup group, IReadOnlyList<LinearLayer> members, IReadOnlyDictionary<string, ActivationStatistics> statistics, int block)
    {
        if (group.HeadCount is not { } heads || group.HeadDim is not { } headDim)
        {
            throw GacException.Create(
                DiagnosticCatalogue.PruningNotAvailable,
                $"Attention group '{group.Name}' has no recognisable head count; prune MLP only (compress.prune.targets: [mlp]).");
        }

        var fused = members.SingleOrDefault(l => l.Role == LinearRole.QkvFused);
        var projections = fused is not null
            ? [fused]
            : new[] { LinearRole.Query, LinearRole.Key, LinearRole.Value }.Select(r => members.Single(l => l.Role == r)).ToList();
        var output = members.Single(l => l.Role == LinearRole.AttentionOutput);
        if (fused is null && projections.FirstOrDefault(p => p.OutFeatures != (long)heads * headDim) is { } grouped)
        {
            // Grouped-query attention: k and v have fewer heads than q, so a query head does not own its k/v columns (AttentionWeights).
            throw GacException.Create(
                DiagnosticCatalogue.PruningNotAvailable,
                $"Attention group '{group.Name}' uses grouped-query attention: '{grouped.Name}' has {grouped.OutFeatures} outputs, not {heads} heads × " +
                    $"{headDim}; attention heads of such a model cannot be pruned. Prune MLP channels only (compress.prune.targets: [mlp]).");
        }

        var weights = new AttentionWeights(
            group.Name, block, heads, headDim,
            projections.Select(p => Matrix(model, p)).ToList(),
            Matrix(model, output),
            projections.Select(p => model.Weights.Bias(p)).ToList(),
            model.Weights.Bias(output));
        return StructuredImportance.Heads(weights, statistics[projections[0].Name], statistics[output.Name]);
    }

    private static WeightMatrix Matrix(ImportedModel model, LinearLayer layer)
        => new(checked((int)layer.InFeatures), checked((int)layer.OutFeatures), model.Weights.Weight(layer));
}
