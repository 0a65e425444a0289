using Gac.Core.Calibration;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 5: write the compressor's unaligned model and every candidate plan's aligned model to the
/// run's scratch folder with the plan's own method (<see cref="UnconstrainedPlan.Write"/>). The
/// original model file is never modified.
/// </summary>
public static class ApplyStep
{
    /// <param name="final">No plan search writes more candidates afterwards: the low-rank spills are deleted layer by layer as they are written.</param>
    public static ModelVariants Write(RunContext run, ImportedModel model, IReadOnlyDictionary<string, ActivationStatistics> statistics, AlignedPlan plan,
        bool final = false)
    {
        var original = new ModelVariant(ModelVariant.OriginalName, model.Path, model.Inventory.LinearParameters);
        var candidates = plan.AllCandidates;
        var targets = new List<VariantTarget> { new(ModelVariant.UnalignedName, null, plan.UnalignedRanks, "unaligned") };
        targets.AddRange(candidates.Select((c, i) => new VariantTarget(ModelVariant.AlignedName, CandidateFolder(i), c.Ranks, $"plan {c.Name}")));
        var variants = plan.Unconstrained.Write(run, model, statistics, targets, final);
        return new ModelVariants(original, variants[0], variants[1]) { Candidates = variants.Skip(1).ToList() };
    }

    /// <summary>The objective's own plan is written where a single-plan run writes it; other candidates each get a folder.</summary>
    private static string? CandidateFolder(int index) => index == 0 ? null : $"plan-{index + 1}";
}

/// <summary>A model to write: its file name, scratch sub-folder, dims per layer or group (null: dense) and what it is.</summary>
internal sealed record VariantTarget(string Name, string? Folder, IReadOnlyDictionary<string, int?> Ranks, string What);
