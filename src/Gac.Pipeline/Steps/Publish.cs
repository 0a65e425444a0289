using Gac.Core.Artifacts;
using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 8: move the candidate into place only when the gate accepted it (atomically, under a lock,
/// never replacing an accepted artifact with a rejected one), then write the reports — for a
/// rejection too, since the reasons per goal are what the user needs.
/// </summary>
public static class Publish
{
    public static async Task<PipelineResult> CommitAsync(
        RunContext run, ImportedModel model, AlignedPlan plan, ModelVariants variants, ValidationResult validation, Verdict verdict)
    {
        var artifact = run.ArtifactPath;
        // Validation is done with the unaligned variant: free its scratch space before the artifact is copied (a large model's variants are gigabytes each).
        DeleteScratch(variants.Unaligned);
        var content = ArtifactContent.FromFiles(
            variants.Aligned.Path,
            artifact,
            variants.Aligned.DataPath,
            variants.Aligned.DataPath is null ? null : artifact + ".data");
        var outcome = await new ArtifactCommit().CommitIfAcceptedAsync(content, verdict, run.CancellationToken).ConfigureAwait(false);
        var written = outcome == CommitOutcome.Committed;
        run.Report("publish", written ? $"wrote {artifact}" : "rejected: artifact not written");

        var report = RunReportBuilder.Build(run, model, plan, variants, validation, verdict, written);
        var files = ReportWriter.Write(report, run.ReportDirectory, run.Spec.Report.Formats);
        return new PipelineResult(report, verdict.Accepted, artifact, files, run.Warnings);
    }

    private static void DeleteScratch(ModelVariant variant)
    {
        try
        {
            if (variant.DataPath is { } data)
            {
                File.Delete(data);
            }

            File.Delete(variant.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run's scratch folder is removed at the end anyway; this only frees disk earlier.
        }
    }
}
