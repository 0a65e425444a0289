namespace Gac.Core.Diagnostics;

/// <summary>
/// GAC130x: a Hugging Face checkpoint's inventory — the safetensors byte layout and the tensors
/// config.json implies — checked from the headers alone, before any weight is read; and model
/// families whose checkpoints are recognised but refused, with the reason.
/// </summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor SafetensorsTensorsOverlap = new(
        "GAC1300", "Safetensors tensors overlap",
        "Two tensors' data_offsets share bytes, so at least one of them would read the other's data (the safetensors format gives every byte of the data " +
            "section to exactly one tensor).",
        "The file was written by a broken tool or tampered with; save the checkpoint again with safetensors or save_pretrained.");

    public static readonly DiagnosticDescriptor SafetensorsDataNotCovered = new(
        "GAC1301", "Safetensors data section not fully described",
        "The header's data_offsets leave a gap between tensors, or the data section is longer or shorter than the tensors the header lists (the safetensors " +
            "reference loader rejects both as MetadataIncompleteBuffer).",
        "The file is truncated, padded or its header does not belong to its data; download or save it again.");

    public static readonly DiagnosticDescriptor CheckpointLayerCountMismatch = new(
        "GAC1302", "config.json layer count disagrees with the weights",
        "config.json's num_hidden_layers (n_layer for GPT-2) differs from the number of transformer blocks whose tensors the checkpoint stores.",
        "Use the config.json saved with these weights; a truncated or merged checkpoint needs its layer count corrected.");

    public static readonly DiagnosticDescriptor CheckpointTensorUnexpected = new(
        "GAC1303", "Checkpoint holds a tensor config.json does not describe",
        "A stored tensor is not one the architecture in config.json uses (for example a bias the config does not enable, an adapter or quantization scale, " +
            "or a tensor in a shard the index does not assign it to); exporting without it would silently change the model.",
        "Check that config.json belongs to these weights (attention_bias, mlp_bias, tie_word_embeddings, model_type); merge adapters and dequantize before " +
            "exporting.");

    public static readonly DiagnosticDescriptor GemmaForwardUnsupported = new(
        "GAC1304", "Gemma's forward pass is not exported",
        "config.json's model_type is a Gemma (gemma, gemma2, gemma3, gemma3_text); its forward differs from the Llama export in ways that change every " +
            "logit: embeddings scaled by sqrt(hidden_size), RMSNorm scaled by (1 + weight), a gelu-tanh MLP, and from Gemma 2 on sandwich norms around " +
            "attention and MLP, query_pre_attn_scalar instead of head_dim, tanh soft-capping of attention scores and logits, and sliding-window attention on " +
            "alternating layers (Gemma 3: q/k norms, per-layer-type RoPE).",
        "Export the model to ONNX with another tool (for example Optimum or onnxruntime-genai's builder) and give gac-build the .onnx file.");
}
