namespace Gac.Core.Diagnostics;

/// <summary>
/// GAC130x: a Hugging Face checkpoint's inventory — the safetensors byte layout and the tensors
/// config.json implies — checked from the headers alone, before any weight is read.
/// </summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor SafetensorsTensorsOverlap = new(
        "GAC1300", "Safetensors tensors overlap",
        "Two tensors' data_offsets share bytes, so at least one of them would read the other's data (the safetensors format gives every byte of the data section to exactly one tensor).",
        "The file was written by a broken tool or tampered with; save the checkpoint again with safetensors or save_pretrained.");

    public static readonly DiagnosticDescriptor SafetensorsDataNotCovered = new(
        "GAC1301", "Safetensors data section not fully described",
        "The header's data_offsets leave a gap between tensors, or the data section is longer or shorter than the tensors the header lists (the safetensors reference loader rejects both as MetadataIncompleteBuffer).",
        "The file is truncated, padded or its header does not belong to its data; download or save it again.");

    public static readonly DiagnosticDescriptor CheckpointLayerCountMismatch = new(
        "GAC1302", "config.json layer count disagrees with the weights",
        "config.json's num_hidden_layers (n_layer for GPT-2) differs from the number of transformer blocks whose tensors the checkpoint stores.",
        "Use the config.json saved with these weights; a truncated or merged checkpoint needs its layer count corrected.");

    public static readonly DiagnosticDescriptor CheckpointTensorUnexpected = new(
        "GAC1303", "Checkpoint holds a tensor config.json does not describe",
        "A stored tensor is not one the architecture in config.json uses (for example a bias the config does not enable, an adapter or quantization scale, or a tensor in a shard the index does not assign it to); exporting without it would silently change the model.",
        "Check that config.json belongs to these weights (attention_bias, mlp_bias, tie_word_embeddings, model_type); merge adapters and dequantize before exporting.");
}
