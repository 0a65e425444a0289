namespace Gac.Core.Planning;

/// <summary>A shape-only layers file in memory: the problem and how to plan it.</summary>
public sealed record PlanLayersDocument(PlanningProblem Problem, PlannerOptions Options, string? Description = null);
