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
        RunContext run, CompressedCandidate candidate, ValidationResult validation, Verdict verdict, bool artifactWritten)
    {
        var spec = run.Spec;
        var plan = candidate.Plan;
        var original = candidate.Variants.Original;
        return new RunReport(
            ToolVersion,
            DateTimeOffset.UtcNow,
            InputHashing.Of(spec.File.FullPath, original.Path, original.DataPath),
            new RuntimeSection(SpecEnumText.ToText(run.ProviderChoice), validation.Provider.ToString().ToLowerInvariant(), validation.Hardware)
            {
                ProviderOptions = run.Sessions.ProviderOptions,
                FallbackReason = run.Sessions.FallbackReason,
            },
            plan.Summary,
            [.. validation.Latency.Select(l => l.ToReport()), .. validation.DecodeLatency],
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
            Selection = plan.Selection,
            FidelityLayers = validation.FidelityLayers,
            ValidationScope = validation.Scope,
            BlockLatency = validation.BlockLatency,
        };
    }
}
