namespace Gac.Core.Planning;

/// <summary>One option for a decision: a kept dimension (or dense) and what it costs.</summary>
public sealed record Candidate(long Dimension, bool IsDense, long Parameters, bool IsAligned, double? LatencyMs = null);

/// <summary>A candidate the sweep considered and left out, with the reason.</summary>
public sealed record DroppedCandidate(long Dimension, long Parameters, string Reason);

/// <summary>The candidate set C_i of one decision, in ascending dimension (dense last).</summary>
public sealed record CandidateSet(
    PlanningDecision Decision,
    long Step,
    IReadOnlyList<Candidate> Candidates,
    IReadOnlyList<DroppedCandidate> Dropped);
