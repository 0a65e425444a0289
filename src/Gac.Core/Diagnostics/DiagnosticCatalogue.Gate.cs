namespace Gac.Core.Diagnostics;

public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor GateRejected = new(
        "GAC5001", "The gate rejected the candidate",
        "At least one requested goal (speedup, latency, fidelity, perplexity, alignment, parameters) was missed or could not be measured; the artifact was " +
            "not written.",
        "Read the per-goal table in gac.report.md; relax the goal, change the compression ratio, or target the right GPU profile.");

    public static readonly DiagnosticDescriptor GoalNotMeasured = new(
        "GAC5002", "A requested goal was not measured",
        "The gate has a goal whose measurement is unavailable in this run (e.g. a perplexity goal for a model without token ids, a speedup goal without a " +
            "benchmark).",
        "Give the measurement what it needs (calibration.tokens for max_perplexity_increase) or remove the goal.");

    public static readonly DiagnosticDescriptor ThresholdInvalid = new(
        "GAC5003", "Goal threshold is not a number or percentage",
        "A goal value must be a number (1.2) or a percentage (\"20%\").",
        "Write the goal as a plain number or as a number followed by %.");

    public static readonly DiagnosticDescriptor ArtifactLocked = new(
        "GAC5010", "Another run holds the output lock",
        "A concurrent gac-build run is writing the same output; runs on one output are serialized by <output>.lock.",
        "Wait for the other run (its PID is in the message) to finish, or write to a different output path.");

    public static readonly DiagnosticDescriptor ArtifactWriteFailed = new(
        "GAC5011", "The artifact could not be written",
        "Writing, flushing or moving the accepted model into place failed (disk full, permissions, missing folder); the earlier artifact, if any, is " +
            "unchanged.",
        "Check free space and permissions of the output folder and rerun.");

    public static readonly DiagnosticDescriptor ArtifactRestoreFailed = new(
        "GAC5012", "The earlier artifact could not be restored",
        "A commit failed after the external-data file was replaced, and putting the earlier data file back failed too.",
        "The earlier data file is kept beside the output as <data>.gac-prev; rename it back by hand.");

    public static readonly DiagnosticDescriptor ReportWriteFailed = new(
        "GAC5013", "A report file could not be written",
        "gac.report.json, the Markdown summary, the JUnit file or the plot could not be written to the report folder.",
        "Check that the report folder exists and is writable.");
}
