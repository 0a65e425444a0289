namespace Gac.Core.Diagnostics;

/// <summary>
/// What `check` and the start of `run` find by reading the spec against the model's and data files'
/// headers (no weights, no ONNX Runtime): the errors a run would otherwise hit minutes in.
/// </summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor GateHasNoGoals = new(
        "GAC0070", "The gate has no goals",
        "gate sets no goal, so the gate would accept any result, however broken; `run` refuses such a spec before it starts.",
        "Set at least one goal: a quality bound (max_perplexity_increase with calibration.tokens, else min_cosine or max_relative_error), " +
            "min_aligned_percent, and on a GPU min_speedup_vs_unaligned: 1.0 with speedup_judged_on: ci-upper. `gac-build init` writes such a gate.");

    public static readonly DiagnosticDescriptor DimensionNameUnknown = new(
        "GAC0071", "A dimension name the model does not have",
        "calibration.dims or validation.shapes (or `bench --shape`) gives a value for a name that is not a symbolic dimension of any model input, so the " +
            "value would be ignored.",
        "Use the names the message lists (the model's symbolic dimensions, with the inputs and axes that carry them).");

    public static readonly DiagnosticDescriptor DimensionTooLarge = new(
        "GAC0073", "A dimension value is too large",
        "A value in calibration.dims, validation.shapes, calibration.inputs or `--shape` makes one input tensor larger than gac-build allocates (2^31 " +
            "elements, 8 GiB of float32).",
        "Use realistic sizes: a batch and sequence length the model serves, not its maximum.");

    public static readonly DiagnosticDescriptor TokenIdOutsideVocabulary = new(
        "GAC1010", "Token id outside the model's vocabulary",
        "calibration.tokens holds an id at or above the model's vocabulary size (config.json vocab_size, or the logits' last dim), which the embedding " +
            "lookup cannot take.",
        "Tokenize the text with the model's own tokenizer; the message names the file, line and id.");

    public static readonly DiagnosticDescriptor LinearLayerEmpty = new(
        "GAC1011", "A linear layer with a zero-size dimension",
        "A MatMul or Gemm has a constant weight with a 0 in its shape: it has no rank to choose and no GEMM to align, and ONNX Runtime's kernels and the " +
            "decompositions reject it.",
        "Remove the empty layer from the model (re-export it), or fix the exporter that produced a 0-size weight.");
}
