using Gac.Core.Artifacts;
using Gac.Core.Diagnostics;
using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Onnx;
using Gac.Onnx.ExternalData;
using Gac.Runtime.Fidelity;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 8: move the candidate into place only when the gate accepted it (atomically, under a lock,
/// never replacing an accepted artifact with a rejected one), together with the reports that
/// describe it, and prove the published model from its final path before the commit is final. A
/// rejected run commits its reports alone (the reasons per goal are what the user needs), under the
/// same lock and protocol, and leaves the earlier artifact untouched. A layer-wise validation's artifact
/// is proved block by block (<see cref="LayerwisePublishCheck"/>): no session holds the whole model.
/// </summary>
public static class Publish
{
    public static async Task<PipelineResult> CommitAsync(
        RunContext run, CompressedCandidate compressed, ValidationResult validation, Verdict verdict)
    {
        var variants = compressed.Variants;
        var artifact = run.ArtifactPath;
        // Validation is done with the unaligned variant: free its scratch space before the artifact is copied (a large model's variants are gigabytes each).
        DeleteScratch(run, variants.Unaligned);
        var report = RunReportBuilder.Build(run, compressed, validation, verdict, artifactWritten: verdict.Accepted);
        // Reports always describe the artifact beside them: a rejected run must not replace the reports
        // of an earlier accepted artifact, so where one exists its reports are named gac.rejected.*.
        var besideAcceptedArtifact = !verdict.Accepted && File.Exists(artifact);
        var reports = ReportWriter.Render(report, run.Spec.Report.Formats)
            .Select(r => CompanionFile.FromBytes(
                Path.Combine(run.ReportDirectory, besideAcceptedArtifact ? RejectedReportName(r.FileName) : r.FileName),
                r.Content))
            .ToList();
        var commit = new ArtifactCommit(onStep: run.Options.CommitHook);
        if (verdict.Accepted)
        {
            var candidate = variants.Aligned;
            var dataTarget = PublishedDataPath(candidate, artifact);
            var content = ArtifactContent.FromFiles(candidate.Path, artifact, candidate.DataPath, dataTarget) with
            {
                Companions = [.. reports, .. GenAiFolder.Companions(run, candidate.Path)],
                Verify = (published, ct) => validation.AlignedBlocks is { } blocks
                    ? LayerwisePublishCheck.Verify(run, published, blocks, ct)
                    : VerifyPublished(run, published, validation.AlignedOutputs!, ct),
            };
            await commit.CommitAsync(content, run.CancellationToken).ConfigureAwait(false);
            run.Report("publish", $"wrote {artifact}{(dataTarget is null ? string.Empty : $" and {Path.GetFileName(dataTarget)}")}");
        }
        else
        {
            await commit.CommitCompanionsAsync(artifact, reports, run.CancellationToken).ConfigureAwait(false);
            run.Report("publish", besideAcceptedArtifact
                ? "rejected: artifact not written; the earlier accepted artifact and its reports are unchanged (this run's reports are gac.rejected.*)"
                : "rejected: artifact not written");
        }

        return new PipelineResult(report, verdict.Accepted, artifact, reports.Select(r => Path.GetFullPath(r.Path)).ToList(), run.Warnings);
    }

    /// <summary>"gac.report.json" → "gac.rejected.report.json": a rejected run's report beside an earlier accepted artifact.</summary>
    internal static string RejectedReportName(string fileName) =>
        fileName.StartsWith("gac.", StringComparison.Ordinal) ? "gac.rejected." + fileName["gac.".Length..] : "rejected." + fileName;

    /// <summary>
    /// The published data file is "&lt;artifact&gt;.data", and the candidate was written under the
    /// artifact's file name so that every external tensor already names it (VariantWriter). Checked
    /// here rather than trusted: a model whose references name another file is unloadable where it lands.
    /// </summary>
    internal static string? PublishedDataPath(ModelVariant candidate, string artifact)
    {
        var expected = Path.GetFileName(artifact) + ".data";
        if (candidate.DataPath is null)
        {
            // Written as one file (a model under 2 GB is not parsed again here); the published model's check covers the rest.
            return null;
        }

        var file = OnnxModelFile.Load(candidate.Path);
        var named = OnnxTensors.EnumerateAll(file.Model)
            .Where(ExternalDataReference.IsExternal)
            .Select(t => ExternalDataReference.Parse(t, candidate.Path).Location)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (named.Count == 0)
        {
            return null;
        }

        if (named is not [var only] || only != expected || Path.GetFileName(candidate.DataPath) != expected)
        {
            throw new GacException(new Diagnostic(
                DiagnosticCatalogue.PublishedDataNameMismatch,
                $"The accepted model '{candidate.Path}' references {string.Join(", ", named.Select(n => $"'{n}'"))} but the data file published beside " +
                    $"'{artifact}' is '{expected}'; nothing was published.",
                new SourceLocation(candidate.Path)))
            { ExitCode = ExitCodes.InternalError };
        }

        return Path.Combine(Path.GetDirectoryName(artifact)!, expected);
    }

    /// <summary>The files an ONNX model's external tensors read (inputs an output must never replace).</summary>
    internal static IEnumerable<string> ExternalDataFiles(ImportedModel model)
    {
        var folder = Path.GetDirectoryName(model.Path)!;
        return OnnxTensors.EnumerateAll(model.File.Model)
            .Where(ExternalDataReference.IsExternal)
            .Select(t => Path.GetFullPath(Path.Combine(folder, ExternalDataReference.Parse(t, model.Path).Location)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static Task VerifyPublished(RunContext run, string published, ReferenceOutputs validated, CancellationToken cancellationToken)
    {
        run.Report("verify", $"opening {published} from where it was published");
        var match = PublishedModelCheck.Verify(run.Sessions, published, validated, cancellationToken);
        run.Report("verify", match.Identical
            ? $"published model reproduces the validated outputs bit for bit on {match.Samples} held-out inputs"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"published model reproduces the validated outputs on {match.Samples} " +
                $"held-out inputs (max |difference| {match.MaxAbsDiff:G3}, within {PublishedModelCheck.RelativeTolerance:G1} relative)"));
        return Task.CompletedTask;
    }

    private static void DeleteScratch(RunContext run, ModelVariant variant)
    {
        // A variant read from a candidate bundle is not the run's to delete: the bundle stays whole (and verifiable) after validate.
        if (!Path.GetFullPath(variant.Path).StartsWith(Path.GetFullPath(run.ScratchFolder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return;
        }

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
