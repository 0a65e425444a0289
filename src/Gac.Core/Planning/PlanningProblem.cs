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
            problems.AddRange(d.Validate());
        }

        var budget = Budget;
        var badBudget = budget.Kind switch
        {
            BudgetKind.Parameters => !(budget.Value >= 1) || !double.IsFinite(budget.Value),
            BudgetKind.KeptFraction => !(budget.Value > 0 && budget.Value <= 1),
            BudgetKind.CompressionRatio => !(budget.Value >= 0 && budget.Value < 1),
            _ => false,
        };
        if (badBudget)
        {
            Bad(DiagnosticCatalogue.InvalidBudget, $"Budget {budget.Kind} = {budget.Value} is out of range (parameters ≥ 1, kept fraction in (0, 1], " +
                $"compression ratio in [0, 1)).");
        }

        return problems;
    }
}
