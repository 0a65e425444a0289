using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gac.Core.Planning;

/// <summary>Whether a chosen dimension suits the GPU. Dense keeps the model's own shape, which is the user's.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlignmentStatus>))]
public enum AlignmentStatus
{
    Aligned,
    Misaligned,
    Dense,
}

/// <summary>
/// The planner's result: what it chose per decision and why, totals against the budget, how the
/// solver did, and the rounding baselines on the same problem. Plain records; serialize with
/// <see cref="ToJson"/> (System.Text.Json, camelCase, enums as strings).
/// </summary>
public sealed record PlanReport(
    int FormatVersion,
    string Problem,
    PlanSettings Settings,
    PlanTotals Totals,
    SolverSummary Solver,
    IReadOnlyList<DecisionPlan> Decisions,
    IReadOnlyList<BaselineReport> Baselines,
    IReadOnlyList<string> Diagnostics)
{
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PlanReport FromJson(string json)
        => JsonSerializer.Deserialize<PlanReport>(json, Json) ?? throw new JsonException("empty plan report");

    /// <summary>
    /// Other aligned plans within the same budget, for a caller that measures them
    /// (<see cref="PlannerOptions.Alternatives"/>); empty when none were asked for.
    /// </summary>
    public IReadOnlyList<PlanAlternative> Alternatives { get; init; } = [];

    /// <summary>The chosen dimension per decision id.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, long> ChosenDimensions
        => Decisions.ToDictionary(d => d.Id, d => d.Chosen, StringComparer.Ordinal);
}

/// <summary>What the plan was asked for: alignment, window, objective and budget.</summary>
public sealed record PlanSettings(
    string Profile,
    int Multiple,
    int WindowSteps,
    string Objective,
    bool ObjectiveMinimizes,
    string Budget,
    bool LatencyFiltered);

public sealed record PlanTotals(
    int Decisions,
    long DenseParams,
    double TargetParams,
    long Budget,
    long PlannedParams,
    long BudgetSlack,
    double AlignedPercentBefore,
    double AlignedPercentAfter,
    double ObjectiveValue);

/// <summary>
/// <see cref="UpperBound"/> and <see cref="Gap"/> are in the solver's maximised value
/// (for spectrum, minus the reported error sum); absent when the plan is proven optimal.
/// </summary>
public sealed record SolverSummary(
    string Name,
    bool ProvenOptimal,
    long Unit,
    long TableCells,
    double ElapsedMs,
    double? UpperBound,
    double? Gap);

public sealed record CandidateReport(
    long Dimension,
    bool IsDense,
    long Params,
    double Objective,
    bool Chosen,
    double? LatencyMs);

public sealed record DecisionPlan(
    string Id,
    DecisionKind Kind,
    long MaxDimension,
    double Target,
    long Step,
    long Chosen,
    bool ChosenIsDense,
    AlignmentStatus Status,
    long Params,
    double Objective,
    string Reason,
    IReadOnlyList<CandidateReport> Candidates,
    IReadOnlyList<DroppedCandidate> Dropped)
{
    /// <summary>Chosen minus the compressor's integer dimension floor(d*).</summary>
    public long Delta => Chosen - (long)Math.Floor(Target + 1e-9);
}

public sealed record BaselineReport(
    string Name,
    RoundingRule Rule,
    string LikeTools,
    long Params,
    long BudgetOvershoot,
    bool WithinBudget,
    double AlignedPercent,
    double ObjectiveValue,
    IReadOnlyList<long> Dimensions);

/// <summary>
/// An aligned plan other than the objective's optimum, under the same budget. Dimensions and Dense are
/// per decision in problem order; Objective is the sum in the primary objective's own sense, so it
/// can be compared with <see cref="PlanTotals.ObjectiveValue"/>.
/// </summary>
public sealed record PlanAlternative(
    string Name,
    string Origin,
    IReadOnlyList<long> Dimensions,
    IReadOnlyList<bool> Dense,
    long Params,
    double Objective);
