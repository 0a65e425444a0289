using Gac.Core.Gate;

namespace Gac.Core.Spec;

/// <summary>
/// A validated gac.yaml: every default filled in, every path absolute. Built only by
/// <see cref="GacSpecLoader"/>, after the schema and the semantic checks passed.
/// </summary>
/// <param name="File">The spec file: as given by the user (used in diagnostics) and absolute.</param>
public sealed record GacSpec(
    SpecPath File,
    int Version,
    ModelSpec Model,
    CalibrationSpec Calibration,
    CompressSpec Compress,
    AlignmentSpec Alignment,
    ExportSpec Export,
    ValidationSpec Validation,
    GateGoals Gate,
    ReportSpec Report);
