namespace Gac.Core.Gate;

public enum GoalStatus
{
    Passed,
    Failed,
    /// <summary>The goal was requested but this run has no measurement for it; counts as a failure.</summary>
    NotMeasured,
}

/// <summary>One row of the gate table: which goal, what it asked, what was measured, and why it passed or failed.</summary>
public sealed record GoalResult(string Name, string Target, string Measured, GoalStatus Status, string Reason)
{
    public bool Passed => Status == GoalStatus.Passed;
}

/// <summary>The gate's decision. Accepted only when there is at least one goal and every goal passed: no goals proves nothing.</summary>
public sealed record Verdict(IReadOnlyList<GoalResult> Goals, SpeedupEvidence SpeedupJudgedOn = SpeedupEvidence.Median)
{
    /// <summary>Speedups were judged by the CI lower bound (the report's <c>conservative</c> flag).</summary>
    public bool Conservative => SpeedupJudgedOn == SpeedupEvidence.CiLower;

    public bool Accepted => Goals.Count > 0 && Goals.All(g => g.Passed);

    public IEnumerable<GoalResult> Failures => Goals.Where(g => !g.Passed);

    public override string ToString()
        => Accepted
            ? $"accepted ({Goals.Count} goal(s) passed)"
            : $"rejected ({Failures.Count()} of {Goals.Count} goal(s) missed: {string.Join(", ", Failures.Select(f => f.Name))})";
}
