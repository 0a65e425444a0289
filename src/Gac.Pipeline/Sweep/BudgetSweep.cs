using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Core.Sweep;
using Gac.Pipeline.Inspection;
using Gac.Pipeline.Steps;

namespace Gac.Pipeline.Sweep;

/// <summary>What to sweep and where the sweep's report files go (default: &lt;report.directory&gt;/sweep).</summary>
public sealed record SweepRequest(IReadOnlyList<double> Ratios, string? OutputDirectory = null);

/// <summary>The sweep's report and the files written (gac.sweep.json, .md, .png).</summary>
public sealed record SweepResult(SweepReport Report, IReadOnlyList<string> Files, IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// The budget sweep: the spec's model compressed at several ratios in one run, measured side by side.
/// Calibration runs once; each layer is decomposed once and the factors of every ratio's unaligned
/// and aligned variant are cut from that decomposition; each ratio's aligned plan is the objective's
/// optimum (alignment.candidates 1, what `gac-build plan` prints: the sweep does not build and
/// measure several candidate plans per ratio). Nothing is published: the variants live in the run's
/// scratch folder and are deleted with it.
/// </summary>
public static class BudgetSweep
{
    public const string DefaultFolder = "sweep";

    public static SweepResult Run(
        GacSpec spec,
        SweepRequest request,
        PipelineOptions? options = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(request);
        options ??= new PipelineOptions();
        var ratios = SweepRatios.Check(request.Ratios);
        if (spec.Compress.Method is not (CompressionMethod.Asvd or CompressionMethod.Svd))
        {
            throw GacException.Create(
                DiagnosticCatalogue.SweepMethodUnsupported,
                $"compress.method is {SpecEnumText.ToText(spec.Compress.Method)}; the sweep cuts every ratio from one low-rank decomposition per layer and " +
                    $"needs asvd or svd.",
                new SourceLocation(spec.File.Text));
        }

        // What `check` reports, for the largest ratio swept (ASVD's grid bounds the ratio).
        RunReadiness.ThrowIfNotReady(spec with { Compress = spec.Compress with { Ratio = ratios[^1] } }, options);
        using var run = new RunContext(spec, options, progress, cancellationToken);
        var model = ModelImport.Load(run);
        var statistics = Calibration.Measure(run, model);
        var sensitivities = LowRankCompression.Spectra(run, model, statistics);

        var plans = new List<AlignedPlan>();
        var targets = new List<VariantTarget>();
        foreach (var ratio in ratios)
        {
            run.Report("sweep", string.Create(CultureInfo.InvariantCulture, $"ratio {ratio:0.###}: allocating ranks and aligning"));
            var plan = Alignment.Choose(run, LowRankCompression.Allocate(run, model, sensitivities, ratio));
            var folder = string.Create(CultureInfo.InvariantCulture, $"ratio-{ratio:0.###}");
            plans.Add(plan);
            targets.Add(new VariantTarget(ModelVariant.UnalignedName, folder, plan.UnalignedRanks, $"ratio {ratio:0.###} unaligned"));
            targets.Add(new VariantTarget(ModelVariant.AlignedName, folder, plan.AlignedRanks, $"ratio {ratio:0.###} {plan.Strategy}"));
        }

        // Every cut reads back the decomposition the spectrum pass spilled (RunContext.Decompositions).
        var written = LowRankApply.WriteVariants(run, model, statistics, model.Compressible, targets, final: true);

        var measured = SweepMeasurement.Measure(run, model, ratios, plans, written);
        var points = SweepAnalysis.MarkFronts(measured.Points, measured.Quality);
        var recommendation = SweepAnalysis.Recommend(points, measured.Quality);
        if (recommendation.SmallestRatio is null)
        {
            run.Warn(new Diagnostic(DiagnosticCatalogue.SweepNoVariantPasses, recommendation.Reason));
        }

        var report = new SweepReport(
            SweepReport.CurrentSchemaVersion,
            RunReportBuilder.ToolVersion,
            DateTimeOffset.UtcNow,
            spec.Model.Path.Text,
            SpecEnumText.ToText(spec.Compress.Method),
            SpecEnumText.ToText(spec.Alignment.Strategy),
            run.Profile.Multiple,
            measured.Provider,
            measured.Bucket,
            run.Options.Iterations ?? spec.Validation.Iterations,
            measured.Quality,
            measured.Original,
            new SweepReuse(1, model.Compressible.Count, run.Decompositions.Computed, written.Count),
            points,
            recommendation,
            run.Warnings.Select(w => w.ToCanonicalString()).ToList());
        var folderPath = Path.GetFullPath(request.OutputDirectory ?? Path.Combine(run.ReportDirectory, DefaultFolder));
        var files = SweepFiles.Write(report, folderPath);
        return new SweepResult(report, files, run.Warnings.ToList());
    }
}
