using Gac.Core.Diagnostics;

namespace Gac.Core.Planning;

/// <summary>
/// What a compressor hands the planner: one decision per low-rank layer or coupled group, and the
/// parameter budget B over all of them (GAC-METHOD §2 step 1).
/// </summary>
public sealed record PlanningProblem(string Name, IReadOnlyList<PlanningDecision> Decisions, PlanningBudget Budget)
{
    public long DenseParams => Decisions.Sum(d => d.DenseParams);

    /// <summary>Every problem with the decisions and budget; empty when the problem is well formed.</summary>
    public IReadOnlyList<Diagnostic> Validate()
    {
        var problems = new List<Diagnostic>();
        void Bad(DiagnosticDescriptor descriptor, string message) => problems.Add(new Diagnostic(descriptor, message));

        if (Decisions.Count == 0)
        {
            Bad(DiagnosticCatalogue.InvalidDecision, $"Problem '{Name}' has no decisions.");
        }

        foreach (var dup in Decisions.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Bad(DiagnosticCatalogue.InvalidDecision, $"Decision id '{dup.Key}' appears {dup.Count()} times; ids must be unique.");
        }

        foreach (var d in Decisions)
        {
            if (d.MaxDimension <= 0 || d.ParamsPerUnit <= 0 || d.FixedParams < 0 || d.DenseParams <= 0 || d.ElementsPerUnit <= 0)
            {
                Bad(DiagnosticCatalogue.InvalidDecision, $"Decision '{d.Id}': max dimension ({d.MaxDimension}), params per unit ({d.ParamsPerUnit}), dense params ({d.DenseParams}) and elements per unit ({d.ElementsPerUnit}) must be positive and fixed params ({d.FixedParams}) non-negative.");
            }

            if (!double.IsFinite(d.Target) || d.Target < 0 || d.Target > d.MaxDimension)
            {
                Bad(DiagnosticCatalogue.InvalidDecision, $"Decision '{d.Id}': target d* = {d.Target} is outside [0, {d.MaxDimension}].");
            }

            if (!double.IsFinite(d.Importance) || d.Importance < 0)
            {
                Bad(DiagnosticCatalogue.InvalidDecision, $"Decision '{d.Id}': importance {d.Importance} must be finite and non-negative.");
            }

            if (d.ErrorNorm is { } norm && (!double.IsFinite(norm) || norm <= 0))
            {
                Bad(DiagnosticCatalogue.InvalidErrorCurve, $"Decision '{d.Id}': error norm {norm} must be positive.");
            }
        }

        var budget = Budget;
        var badBudget = budget.Kind switch
        {
            BudgetKind.Parameters => !(budget.Value >= 1) || !double.IsFinite(budget.Value),
            BudgetKind.KeptFraction => !(budget.Value > 0 && budget.Value <= 1),
            _ => false,
        };
        if (badBudget)
        {
            Bad(DiagnosticCatalogue.InvalidBudget, $"Budget {budget.Kind} = {budget.Value} is out of range (parameters ≥ 1, kept fraction in (0, 1]).");
        }

        return problems;
    }
}
