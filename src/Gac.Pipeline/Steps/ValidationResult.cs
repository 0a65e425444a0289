using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What validation measured: fidelity of both candidates, latency of all three variants per shape — or, validated layer-wise (no model
/// run whole), each block's errors, one block's latency and the gac candidate's block inputs and outputs; the end-to-end members are then
/// null or empty, never zeros (<see cref="Scope"/> names what was not measured).
/// </summary>
/// <param name="AlignedOutputs">The aligned candidate's own outputs on the held-out inputs, which the published artifact must reproduce; null when
/// layer-wise.</param>
public sealed record ValidationResult(
    ExecutionProvider Provider,
    HardwareSection Hardware,
    FidelitySection? AlignedFidelity,
    FidelitySection? UnalignedFidelity,
    IReadOnlyList<LatencyResult> Latency,
    ReferenceOutputs? AlignedOutputs)
{
    /// <summary>One decode step per variant (models with a k/v cache), reported beside the prefill; the gate reads <see cref="Latency"/>.</summary>
    public IReadOnlyList<Core.Reports.LatencySection> DecodeLatency { get; init; } = [];

    /// <summary>Each block's output error against the original's (validation.fidelity: layer-wise); null when not measured block by block.</summary>
    public LayerwiseFidelitySection? FidelityLayers { get; init; }

    /// <summary>End to end or layer-wise, why, and what was not measured.</summary>
    public ValidationScopeSection Scope { get; init; } = new(ValidationScopeSection.EndToEnd, "validation.fidelity: whole-model", []);

    /// <summary>Layer-wise: one block of each model timed; null otherwise (or when no block could be timed).</summary>
    public BlockLatencySection? BlockLatency { get; init; }

    /// <summary>Layer-wise: each block's inputs and the gac candidate's outputs, which the published artifact's blocks must reproduce.</summary>
    internal IReadOnlyList<RecordedBlock>? AlignedBlocks { get; init; }

    public bool LayerWise => Scope.Scope == ValidationScopeSection.LayerWise;
}
