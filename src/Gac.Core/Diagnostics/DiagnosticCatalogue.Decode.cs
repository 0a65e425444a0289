namespace Gac.Core.Diagnostics;

/// <summary>Token-by-token decoding on ONNX Runtime: greedy generation and the decode-step latency.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor DecodeGraphUnsupported = new(
        "GAC4050", "The model cannot be decoded token by token",
        "Greedy decoding and the decode-step latency need a decode-ready language model: int64 token ids, optionally attention_mask and position_ids, and float k/v-cache inputs named past… [batch, kv_heads, past, head_dim] whose presents follow logits in the same order. This model has other inputs or outputs.",
        "Export the Hugging Face checkpoint with model.past_kv: true (and model.attention_mask: true for padded batches).");
}
