namespace Gac.Core.Diagnostics;

/// <summary>Running a model block by block: calibration and layer-wise fidelity for models that do not fit in memory.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor GraphNotSegmentable = new(
        "GAC4090", "Model cannot be run block by block",
        "calibration.mode: block-wise or validation.fidelity: layer-wise was asked for, but the graph has fewer than two transformer blocks named in its "
            + "node names or the names of the weights they read (\"layers.N\", \"layer.N\", \"blocks.N\", \"h.N\")"
            + " or holds control flow (If, Loop, Scan), so it cannot be cut into consecutive blocks.",
        "Use calibration.mode: whole-model / validation.fidelity: whole-model (or auto), or export the model with per-block node names.");

    public static readonly DiagnosticDescriptor CalibratedBlockwise = new(
        "GAC4091", "Calibrated block by block",
        "Calibration ran the model one transformer block at a time (calibration.mode: block-wise, or auto because the model's weights exceed half of the "
            + "available memory): each block's session held only its weights, the activations crossing a block boundary were carried forward.",
        "Nothing to fix: the statistics equal a whole-model session's. calibration.mode: whole-model runs one session instead.",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor FidelityLayerWise = new(
        "GAC4092", "Fidelity measured layer-wise",
        "Fidelity was also measured block by block (validation.fidelity: layer-wise, or auto because the original's weights exceed half of the available "
            + "memory): each block of a candidate fed the original's block input on the held-out inputs, compared with the original block's output (the "
            + "report's fidelityLayers; errors of consecutive blocks are not compounded). The end-to-end fidelity and latency still load each model whole.",
        "Nothing to fix; read fidelityLayers to see which block loses most. validation.fidelity: whole-model skips the block-by-block pass.",
        DiagnosticSeverity.Warning);
}
