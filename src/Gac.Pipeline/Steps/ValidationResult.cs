using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>What validation measured: fidelity of both candidates, latency of all three variants per shape.</summary>
/// <param name="AlignedOutputs">The aligned candidate's own outputs on the held-out inputs: the published artifact must reproduce them.</param>
public sealed record ValidationResult(
    ExecutionProvider Provider,
    HardwareSection Hardware,
    FidelitySection AlignedFidelity,
    FidelitySection UnalignedFidelity,
    IReadOnlyList<LatencyResult> Latency,
    ReferenceOutputs AlignedOutputs)
{
    /// <summary>One decode step per variant (models with a k/v cache), reported beside the prefill; the gate reads <see cref="Latency"/>.</summary>
    public IReadOnlyList<Core.Reports.LatencySection> DecodeLatency { get; init; } = [];

    /// <summary>Each block's output error against the original's (validation.fidelity: layer-wise); null when not measured block by block.</summary>
    public LayerwiseFidelitySection? FidelityLayers { get; init; }
}
