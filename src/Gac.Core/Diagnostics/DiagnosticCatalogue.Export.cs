namespace Gac.Core.Diagnostics;

/// <summary>GAC3xxx: writing a model (ONNX file and its external data).</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor ModelWriteFailed = new(
        "GAC3001", "Model file cannot be written",
        "The operating system refused to create, write or rename the output model or its data file.",
        "Check that the output folder exists, is writable and has enough free space.");

    public static readonly DiagnosticDescriptor ModelTooLargeToEmbed = new(
        "GAC3002", "Model too large for a single file",
        "Weights were asked to be embedded, but the model would reach protobuf's 2 GB message limit.",
        "Write the model with external data (the default chooses it automatically when needed).");

    public static readonly DiagnosticDescriptor ExternalDataFileNameInvalid = new(
        "GAC3003", "Invalid external data file name",
        "The requested external data file name is empty, a path, or names the model file itself.",
        "Give a plain file name such as 'model.onnx.data'; it is written beside the model.");

    public static readonly DiagnosticDescriptor RewriteLayerNotFound = new(
        "GAC3010", "Layer or group to rewrite not found",
        "A rewrite names a linear layer or coupled group that discovery does not find in the model, or names it twice.",
        "Use the names 'gac-build audit' lists for this model, each once.");

    public static readonly DiagnosticDescriptor RewriteWeightsInvalid = new(
        "GAC3011", "Replacement weights do not fit the layer",
        "Low-rank factors or a dense weight have a length that does not match the layer's K, N and rank, or the rank is not positive.",
        "Give A as K×r and B as r×N (row-major), or W as K×N, with the layer's K and N.");

    public static readonly DiagnosticDescriptor PruneSelectionInvalid = new(
        "GAC3012", "Invalid channels or heads to keep",
        "The list of kept MLP channels or attention heads is empty, repeats an index, or names one outside the group.",
        "Keep at least one channel or head, each index once, between 0 and the group's width or head count minus one.");

    public static readonly DiagnosticDescriptor RewriteStructureUnsupported = new(
        "GAC3013", "Graph structure cannot be rewritten safely",
        "A rewrite met a structure it cannot change without risking wrong results: a shape it cannot trace, a constant that carries the pruned dimension, " +
            "grouped-query attention, an unknown head layout, or a weight type other than float32/float16.",
        "Leave this layer or group out of the plan (compress it another way), or re-export the model with static shapes and per-layer weights.");

    public static readonly DiagnosticDescriptor Float16WeightOutOfRange = new(
        "GAC3050", "Weight outside float16 range",
        "export.dtype is fp16, but a weight read by a MatMul, Gemm or Conv holds a value beyond ±65504, the largest finite float16; it is refused rather " +
            "than clamped.",
        "Export with export.dtype: fp32, or rescale that layer (e.g. fold the scale into the following norm) so its weights fit float16.");

    public static readonly DiagnosticDescriptor BFloat16WeightOutOfRange = new(
        "GAC3070", "Weight outside bfloat16 range",
        "export.dtype is bf16, but a weight read by a MatMul, Gemm or Conv holds a finite value that rounds to infinity in bfloat16 (|x| beyond about " +
            "3.3895e38); it is refused rather than made infinite.",
        "Export with export.dtype: fp32, or fix the checkpoint: a weight that large is almost certainly corrupt.");

    public static readonly DiagnosticDescriptor Bf16ValidationOnCpu = new(
        "GAC3071", "bf16 artifact cannot be validated on the CPU provider",
        "export.dtype is bf16 and validation runs on the CPU provider (provider: cpu, or auto without CUDA). ONNX Runtime's CPU provider has no " +
            "bfloat16 MatMul or Gemm kernel, so the artifact's latency and fidelity cannot be measured there.",
        "Run `gac-build run <gac.yaml> --stage compress` here and `gac-build validate <bundle>` with provider: cuda on an Ampere (sm_80) or newer GPU; " +
            "or export with export.dtype: fp16 or fp32.");
}
