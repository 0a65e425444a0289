using System.Reflection;
using Gac.Core.Gate;
using Gac.Core.Reports;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>Assembles the run's footprint: inputs, hardware, plan, latency, fidelity, verdict.</summary>
public static class RunReportBuilder
{
    public static string ToolVersion { get; } =
        typeof(GacPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static RunReport Build(
        RunContext run, ImportedModel model, AlignedPlan plan, ModelVariants variants, ValidationResult validation, Verdict verdict, bool artifactWritten)
    {
        var spec = run.Spec;
        return new RunReport(
            ToolVersion,
            DateTimeOffset.UtcNow,
            InputHashing.Of(spec.File.FullPath, model.Path, model.DataPath),
            new RuntimeSection(SpecEnumText.ToText(run.ProviderChoice), validation.Provider.ToString().ToLowerInvariant(), validation.Hardware.ToReport())
            {
                ProviderOptions = run.Sessions.ProviderOptions,
                FallbackReason = run.Sessions.FallbackReason,
            },
            Plan(plan, variants, run.Profile.Multiple),
            validation.Latency.Select(l => l.ToReport()).ToList(),
            validation.AlignedFidelity,
            GateSection.From(verdict),
            run.Warnings.Select(w => w.ToCanonicalString()).ToList())
        {
            Compression = new CompressionSection(
                spec.Model.Path.Text,
                SpecEnumText.ToText(spec.Compress.Method),
                spec.Compress.Ratio,
                plan.Strategy,
                run.Profile.Name,
                run.ArtifactPath,
                artifactWritten),
            FidelityUnaligned = validation.UnalignedFidelity,
            Selection = plan.Selection is { } selection
                ? new SelectionSection(
                    selection.Metric, selection.Samples, selection.Unaligned, selection.Chosen,
                    selection.Candidates.Select(c => new SelectionCandidate(c.Name, c.Origin, c.Parameters, c.Objective, c.Measured, c.Name == selection.Chosen)).ToList())
                : null,
        };
    }

    private static PlanSummary Plan(AlignedPlan plan, ModelVariants variants, int multiple)
    {
        // Heads are aligned when heads × head_dim is a multiple (ElementsPerUnit = head_dim), ranks and
        // channels when the dim itself is; a layer or group kept at its original size counts as aligned.
        var predicted = LayerContributions.Predicted(plan);
        var total = predicted.Values.Sum();
        var layers = plan.Unconstrained.Problem.Decisions.Select(d =>
        {
            var aligned = plan.AlignedRanks[d.Id] ?? d.MaxDimension;
            var before = plan.UnalignedRanks[d.Id];
            double? error = predicted.TryGetValue(d.Id, out var e) ? e : null;
            return new LayerDimension(d.Id, d.MaxDimension, d.Target, aligned, aligned == d.MaxDimension || aligned * d.ElementsPerUnit % multiple == 0)
            {
                UnconstrainedIsAligned = before is { } b ? b * d.ElementsPerUnit % multiple == 0 : null,
                PredictedError = error,
                ErrorShare = error is { } v && total > 0 ? v / total : null,
                MeasuredAlone = plan.Unconstrained.Measured.TryGetValue(d.Id, out var probes)
                    ? probes.Select(p => new LayerProbeResult(p.Dimension, p.RelativeError)).ToList()
                    : null,
            };
        }).ToList();
        return new PlanSummary(
            multiple,
            layers,
            plan.AlignedPercentBefore,
            layers.Count == 0 ? 100 : 100.0 * layers.Count(l => l.IsAligned) / layers.Count,
            variants.Original.LinearParameters,
            variants.Unaligned.LinearParameters,
            variants.Aligned.LinearParameters);
    }
}
