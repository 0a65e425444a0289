using Gac.Core.Hardware;

namespace Gac.Core.Spec;

/// <param name="Profile">
/// The resolved profile (built-in or user-defined) with <c>alignment.multiple</c> already applied, so
/// planners read <c>Profile.Multiple</c> and never look at the override themselves.
/// </param>
/// <param name="MultipleOverride">The <c>alignment.multiple</c> the user gave, null when absent.</param>
/// <param name="Staircase">The selected user profile's latency staircase, null for built-ins or when not given.</param>
/// <param name="UserProfiles">Every profile defined under <c>alignment.profiles</c>, selected or not.</param>
public sealed record AlignmentSpec(
    AlignmentStrategy Strategy,
    string ProfileName,
    AlignmentProfile Profile,
    int? MultipleOverride,
    int Window,
    AlignmentObjective Objective,
    SpecPath? Staircase,
    IReadOnlyList<UserProfileSpec> UserProfiles)
{
    /// <summary>
    /// <c>alignment.candidates</c>: how many aligned plans (the objective's optimum and its
    /// alternatives) the run builds and measures on calibration data before choosing one; 1 trusts
    /// the objective alone.
    /// </summary>
    public int Candidates { get; init; } = 8;
}

/// <summary>A profile defined in gac.yaml; <see cref="ToProfile"/> gives the planner's view of it.</summary>
public sealed record UserProfileSpec(
    string Name,
    string? Description,
    string DType,
    int Multiple,
    int PreferredMultiple,
    int HeadDimMultiple,
    int? SmCount,
    SpecPath? Staircase,
    int Line)
{
    public AlignmentProfile ToProfile(string specFile) => new(
        Name,
        Description ?? $"User-defined profile: every GEMM dimension a multiple of {Multiple}.",
        DType,
        Multiple,
        PreferredMultiple,
        HeadDimMultiple,
        // Head-dim templates are a property of FlashAttention kernels, not of the GPU, so the
        // built-in list applies to user profiles too (GAC paper §3).
        BuiltInProfiles.Generic8.HeadDimTemplates,
        SmCount,
        $"Defined in {specFile} at line {Line}.");
}
