using Gac.Core.Hardware;

namespace Gac.Core.Planning;

public enum PlanObjectiveKind
{
    /// <summary>Spectrum when every decision has an error curve, else paper.</summary>
    Auto,

    /// <summary>Maximize Σ s_i·(params_i(d) − params_i(d*_i)) (GAC paper §2).</summary>
    Paper,

    /// <summary>Minimize Σ err_i(d)/err_i(0) (GAC-METHOD §4).</summary>
    Spectrum,
}

public enum SolverKind
{
    /// <summary>
    /// Exact Pareto search bounded by the Lagrangian dual (<see cref="ParetoKnapsackSolver"/>); when its
    /// states exceed <see cref="PlannerOptions.MaxTableCells"/>, the exact table when it fits; else the
    /// better of a coarser table and Lagrangian.
    /// </summary>
    Auto,

    /// <summary>The dynamic-programming table over the whole budget only (coarsened when it exceeds the limit).</summary>
    ExactTable,

    Lagrangian,
}

/// <summary>How to sweep candidates and solve. Defaults follow GAC-METHOD §2 (a = 8, R = 4).</summary>
public sealed record PlannerOptions
{
    public AlignmentProfile Profile { get; init; } = BuiltInProfiles.Generic8;

    /// <summary>Align to the profile's preferred multiple (64 on A100/H100) instead of the required one.</summary>
    public bool UsePreferredMultiple { get; init; }

    /// <summary>R: candidates are aligned values within ±R alignment steps of d*.</summary>
    public int WindowSteps { get; init; } = 4;

    public PlanObjectiveKind Objective { get; init; } = PlanObjectiveKind.Auto;

    public SolverKind Solver { get; init; } = SolverKind.Auto;

    /// <summary>Largest DP table (decisions × budget units) solved exactly; 2^25 cells is 32 MB of choices.</summary>
    public long MaxTableCells { get; init; } = 1L << 25;

    /// <summary>When set, drop candidates on a latency cliff (slower than a larger candidate).</summary>
    public LatencyStaircase? Staircase { get; init; }

    /// <summary>A candidate is on a cliff when a larger one is faster by more than this fraction (measurement noise).</summary>
    public double CliffTolerance { get; init; } = 0.02;

    /// <summary>
    /// How many other aligned plans to return beside the optimum (<see cref="PlanReport.Alternatives"/>),
    /// for a caller that measures them: the other objective's optimum, the plan that moves least from
    /// d*, and near-equal plans of this objective. 0 (default) keeps planning to one solve.
    /// </summary>
    public int Alternatives { get; init; }

    /// <summary>Alternatives are only near-equal plans of this objective (no other objective, no least-movement plan).</summary>
    public bool NearEqualOnly { get; init; }

    public int AlignmentMultiple => UsePreferredMultiple ? Profile.PreferredMultiple : Profile.Multiple;
}
