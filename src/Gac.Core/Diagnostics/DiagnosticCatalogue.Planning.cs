namespace Gac.Core.Diagnostics;

/// <summary>GAC2xxx: planning and alignment (candidate sweep, knapsack, shape-only layers files).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor PlanInfeasible = new(
        "GAC2001", "No aligned plan fits the budget",
        "Even the smallest aligned candidate of every decision adds up to more parameters than the budget.",
        "Raise the budget (a lower compression ratio), use a smaller alignment multiple, or widen the candidate window (window steps).");

    public static readonly DiagnosticDescriptor NoAlignedCandidate = new(
        "GAC2002", "A decision has no candidate",
        "No aligned dimension lies in [alignment, max] for this decision and keeping it dense is not allowed.",
        "Allow the layer to stay dense, or use a smaller alignment multiple for this model.");

    public static readonly DiagnosticDescriptor InvalidDecision = new(
        "GAC2003", "Invalid planning decision",
        "A decision has a non-positive dimension or parameter count, a target outside [0, max], a non-finite importance, or a duplicate id.",
        "Fix the decision's fields; the target d* must lie between 0 and the uncompressed dimension.");

    public static readonly DiagnosticDescriptor InvalidErrorCurve = new(
        "GAC2004", "Invalid error curve",
        "An error curve is empty, has negative or non-finite values, unsorted or duplicate sample points, or error that grows with the dimension.",
        "Give err(d) as a non-increasing curve (for low rank: sqrt of the tail energy of the singular values), sampled at increasing dimensions.");

    public static readonly DiagnosticDescriptor InvalidBudget = new(
        "GAC2005", "Invalid parameter budget",
        "The budget is not positive, or its ratio is outside (0, 1].",
        "Give the budget as a positive parameter count, a kept fraction in (0, 1], or a compression ratio in [0, 1).");

    public static readonly DiagnosticDescriptor InvalidPlannerOptions = new(
        "GAC2006", "Invalid planner options",
        "The candidate window, alignment multiple or table limit is out of range, or the spectrum objective was asked for while some decision has no error " +
            "curve.",
        "Use window steps 1..64 and a positive alignment multiple; give every decision an error curve or use the paper objective.");

    public static readonly DiagnosticDescriptor UnknownAlignmentProfile = new(
        "GAC2007", "Unknown alignment profile",
        "The alignment profile name is not a built-in profile.",
        "Use generic-8, nvidia-ampere-fp16, nvidia-hopper-fp16 or int8-16, or give an explicit multiple.");

    public static readonly DiagnosticDescriptor LayersFileUnreadable = new(
        "GAC2010", "Layers file cannot be read",
        "The shape-only layers file does not exist or cannot be opened.",
        "Check the path given to `gac-build plan --layers`.");

    public static readonly DiagnosticDescriptor LayersFileMalformed = new(
        "GAC2011", "Layers file is not valid JSON",
        "The shape-only layers file has a JSON syntax error.",
        "Fix the JSON at the reported line and column.");

    public static readonly DiagnosticDescriptor LayersFileSchemaViolation = new(
        "GAC2012", "Layers file does not match its schema",
        "A field is missing, unknown, or of the wrong type (schema: plan-layers.schema.json).",
        "Fix the field at the reported line; the schema documents every field.");

    public static readonly DiagnosticDescriptor LatencyStaircaseInvalid = new(
        "GAC2020", "Invalid latency staircase",
        "A latency staircase file cannot be read, is not valid JSON, or has non-positive dimensions or latencies.",
        "Re-run `gac-build profile` to measure a new staircase.");

    public static readonly DiagnosticDescriptor PlanApproximate = new(
        "GAC2030", "Plan is not proven optimal",
        "The instance was too large for the exact table; the plan comes from a coarser table or the Lagrangian solver and is within the reported gap of the " +
            "optimum.",
        "Raise the table limit, shrink the candidate window, or accept the reported optimality gap.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor AlignedPlansMeasuredWorse = new(
        "GAC2120", "Every aligned plan measured worse than the compressor's dims",
        "On the calibration data, each aligned candidate plan's output error (perplexity for a language model) exceeded that of the compressor's own " +
            "unaligned dims at the same budget; the best of them was kept.",
        "Measure more candidates (alignment.candidates), widen the window (alignment.window), or calibrate on more or more representative samples.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PlanNotMeasured = new(
        "GAC2121", "Aligned plan chosen by the objective alone",
        "The model's weights exceed a sixth of the memory available (ONNX Runtime could not hold it three times), so the run did not probe layers or measure " +
            "several aligned plans on calibration data.",
        "Accept the objective's plan, or run on a machine with more memory to have plans measured.",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor PlanVerificationFailed = new(
        "GAC2099", "Plan failed its budget check",
        "After un-quantizing, the solver's plan exceeds the budget. This is a bug in the planner.",
        "Report it with the layers file; the plan was not used.");
}
