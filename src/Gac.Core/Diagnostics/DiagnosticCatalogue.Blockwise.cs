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
        "GAC4092", "Validated layer-wise, not end to end",
        "Validation ran block by block instead of loading any model whole (validation.fidelity: layer-wise, or auto because the original's weights "
            + "exceed half of the available memory): each block of a candidate fed the original's block input on the held-out inputs, compared with the "
            + "original block's output (the report's fidelityLayers; errors of consecutive blocks are not compounded), one block of each model timed "
            + "(blockLatency), and the published artifact checked block by block. End-to-end fidelity, perplexity and model latency are not measured.",
        "Nothing to fix; read fidelityLayers to see which block loses most. On a machine that holds the model, validation.fidelity: whole-model "
            + "measures end to end.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor GoalNeedsEndToEndValidation = new(
        "GAC4093", "Gate goal needs end-to-end validation",
        "validation.fidelity: layer-wise runs no model whole, so it does not measure the number this gate goal compares (end-to-end relative error, "
            + "cosine, perplexity, model latency or speedup); the goal could neither pass nor fail honestly.",
        "Gate a layer-wise run on max_block_relative_error, min_aligned_percent or max_parameters, or set validation.fidelity: whole-model (or auto "
            + "on a machine that holds the model) to gate on end-to-end numbers.");

    public static readonly DiagnosticDescriptor GoalNotMeasuredLayerWise = new(
        "GAC4094", "Gate goal not measured: validated layer-wise",
        "validation.fidelity: auto validated layer-wise (the model does not fit in memory), which does not measure the number this gate goal compares; "
            + "the goal is reported not measured and the candidate is rejected.",
        "Gate a layer-wise run on max_block_relative_error, min_aligned_percent or max_parameters, or validate on a machine that holds the model whole.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor BlockGoalNeedsLayerwiseValidation = new(
        "GAC4096", "Gate goal needs layer-wise validation",
        "gate.max_block_relative_error bounds the worst block's error of a layer-wise validation, but validation.fidelity: whole-model validates "
            + "end to end and measures no block error; the goal could neither pass nor fail honestly.",
        "Gate an end-to-end run on max_relative_error or min_cosine, or set validation.fidelity: layer-wise.");

    public static readonly DiagnosticDescriptor BlockLatencyNotMeasured = new(
        "GAC4095", "Block latency not measured",
        "Layer-wise validation times one transformer block of each model, but the graph has no segment labelled as a block to time.",
        "Nothing to fix for fidelity; latency is absent from the report. Export the model with per-block node names to get block latency.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor EndToEndGoalsAheadOfLayerwise = new(
        "GAC4097", "Gate goals will not be measured: validation will be layer-wise",
        "validation.fidelity: auto will validate this model layer-wise on this machine (its weights exceed half of the memory available), and the "
            + "gate has goals on end-to-end numbers that a layer-wise validation does not measure: after compression they are reported not measured "
            + "(GAC4094) and the candidate is rejected. Said at import, before the hours a large model's compression takes.",
        "Gate on max_block_relative_error, min_aligned_percent or max_parameters; or compress here with run --stage compress and validate the bundle "
            + "on a machine that holds the model whole; or set validation.fidelity: layer-wise to have such goals refused at once (GAC4093).",
        DiagnosticSeverity.Warning);
}
