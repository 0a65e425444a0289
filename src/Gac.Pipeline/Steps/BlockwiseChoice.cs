using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Onnx;
using Gac.Onnx.Segments;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Whether a step runs the model whole or block by block, and why — in words for the progress line,
/// the report's diagnostic and the tests. Auto goes block-wise when the weights one session would hold
/// exceed half of the memory available (the rule validation.sessions follows: ONNX Runtime keeps its own
/// copy of every weight, and activations, statistics and the runtime need the rest) and the graph can be
/// cut into blocks; an explicit block-wise request on a graph that cannot be cut is GAC4090.
/// </summary>
public sealed record BlockwiseChoice(bool BlockWise, string Reason)
{
    public string Describe() => BlockWise ? $"block by block ({Reason})" : $"whole model in one session ({Reason})";

    public static BlockwiseChoice ForCalibration(RunContext run, OnnxModelFile model)
        => Decide(run.Spec.Calibration.Mode switch
        {
            CalibrationMode.WholeModel => false,
            CalibrationMode.BlockWise => true,
            _ => null,
        }, "calibration.mode", run.Spec.Calibration.Mode == CalibrationMode.BlockWise ? "block-wise" : "whole-model", model);

    public static BlockwiseChoice ForFidelity(RunContext run, OnnxModelFile model)
        => Decide(run.Spec.Validation.Fidelity switch
        {
            FidelityMode.WholeModel => false,
            FidelityMode.LayerWise => true,
            _ => null,
        }, "validation.fidelity", run.Spec.Validation.Fidelity == FidelityMode.LayerWise ? "layer-wise" : "whole-model", model);

    private static BlockwiseChoice Decide(bool? asked, string field, string value, OnnxModelFile model)
    {
        if (asked is { } explicitly)
        {
            if (explicitly && GraphSegmentation.Obstacle(model) is { } obstacle)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.GraphNotSegmentable,
                    $"{field}: {value} needs a graph cut into transformer blocks, but {obstacle}.",
                    new SourceLocation(model.Path));
            }

            return new BlockwiseChoice(explicitly, $"{field}: {value}");
        }

        var weights = GraphSegmentation.WeightBytes(model);
        var available = AvailableMemory();
        var sizes = $"{Gigabytes(weights)} of weights, {Gigabytes(available)} of memory available";
        if (weights <= available / 2)
        {
            return new BlockwiseChoice(false, $"{field}: auto, {sizes}");
        }

        return GraphSegmentation.Obstacle(model) is { } cannot
            ? new BlockwiseChoice(false, $"{field}: auto, {sizes}, but the graph cannot be cut into blocks: {cannot}")
            : new BlockwiseChoice(true, $"{field}: auto, {sizes}: more than half");
    }

    /// <summary>Physical memory the runtime may use (the container limit where there is one).</summary>
    internal static long AvailableMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    internal static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB");
}
