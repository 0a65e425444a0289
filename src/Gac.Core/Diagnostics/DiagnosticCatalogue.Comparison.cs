namespace Gac.Core.Diagnostics;

/// <summary>GAC91xx: <c>gac-build compare</c>, which reads several run reports side by side.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor NotARunReport = new(
        "GAC9101", "Not a gac-build run report",
        "A file given to `gac-build compare` is not valid JSON, has another schema version, or lacks the plan and compression sections that `gac-build run` " +
            "writes.",
        "Pass the gac.report.json files that `gac-build run` wrote (report.formats must include json).");

    public static readonly DiagnosticDescriptor ReportsOfDifferentModels = new(
        "GAC9102", "Reports are of different models",
        "The reports name different input models: their model hashes (or, without hashes, their model paths) or their original linear parameter counts " +
            "differ, so their rows are not comparable.",
        "Compare runs of the same model file; re-run the older spec if the model changed since.");

    public static readonly DiagnosticDescriptor ReportsAtDifferentBudgets = new(
        "GAC9103", "Reports are at different parameter budgets",
        "The compressors' own parameter counts (the budgets GAC aligned under) differ by more than 1%, so a faster or more faithful row may only be a bigger " +
            "one.",
        "Give every spec the same compress.ratio (it means the same share of compressible parameters for every method), or pass --allow-budget-mismatch to " +
            "compare anyway with a warning.");
}
