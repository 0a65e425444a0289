using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Steps;

/// <summary>
/// How many aligned plans a run builds and measures: <c>alignment.candidates</c> for GAC, 1 for a
/// rounding rule — and 1, said as GAC2121, for a model too large for ONNX Runtime to hold three times
/// (the size at which validation.sessions: auto goes one model at a time): probing and measuring
/// plans would write and load it dozens of times.
/// </summary>
public static class PlanMeasurement
{
    public static int Candidates(RunContext run, ImportedModel model)
    {
        var asked = run.Spec.Alignment.Candidates;
        if (run.Spec.Alignment.Strategy != AlignmentStrategy.Gac || asked <= 1 || run.Spec.Compress.Method == CompressionMethod.None)
        {
            return 1;
        }

        var bytes = new FileInfo(model.Path).Length + (model.DataPath is { } data ? new FileInfo(data).Length : 0);
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        // The size rule of validation.sessions: auto; measuring loads one model at a time whatever that setting says.
        if (3 * bytes <= available / 2)
        {
            return asked;
        }

        run.Warn(new Diagnostic(
            DiagnosticCatalogue.PlanNotMeasured,
            $"alignment.candidates is {asked}, but the model ({bytes / 1e9:F1} GB) is too large to hold three times in the memory available " +
                $"({available / 1e9:F1} GB); the aligned plan is the objective's alone, not measured against others."));
        return 1;
    }
}
