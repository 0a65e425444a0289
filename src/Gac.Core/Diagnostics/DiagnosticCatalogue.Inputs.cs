namespace Gac.Core.Diagnostics;

public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor IntegerInputUnbounded = new(
        "GAC4020", "Integer input has no known range",
        "An integer model input is not a mask, token-type or position input by name, and it indexes no constant table (Gather) in the graph, so no generated " +
            "value is known to be valid.",
        "Give its values: calibration.inputs with min/max, calibration.npy, or calibration.tokens; the same source feeds calibration, validation and " +
            "benchmarks.");

    public static readonly DiagnosticDescriptor PositionsExceedTable = new(
        "GAC4021", "Sequence longer than the position table",
        "Generated position ids run 0 … seq−1, but the table they index has fewer rows than seq (the model's maximum sequence length).",
        "Lower the sequence dimension (calibration.dims / validation.shapes / --shape) to at most the table's row count.");

    public static readonly DiagnosticDescriptor ValidationReusesCalibrationData = new(
        "GAC4022", "Validation reuses the calibration data",
        "calibration.npy gives one fixed batch, so fidelity is measured on the inputs calibration saw: there is no held-out data.",
        "Nothing to fix for a smoke test. For a held-out measurement use calibration.tokens, calibration.text or calibration.inputs, which draw inputs " +
            "calibration never saw.",
        DiagnosticSeverity.Info);
}
