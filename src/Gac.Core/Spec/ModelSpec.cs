namespace Gac.Core.Spec;

/// <param name="Format">Never <see cref="ModelFormat.Auto"/>: auto is resolved from the path (file → ONNX, folder → safetensors).</param>
/// <param name="DeclaredFormat">What gac.yaml said, <see cref="ModelFormat.Auto"/> when omitted.</param>
/// <param name="PastKeyValues">model.past_kv: a Hugging Face folder is exported with a k/v cache (decode-ready); never true for ONNX.</param>
/// <param name="AttentionMask">model.attention_mask: the export also takes attention_mask and position_ids (padded batches); never true for ONNX.</param>
public sealed record ModelSpec(SpecPath Path, ModelFormat Format, ModelFormat DeclaredFormat, bool PastKeyValues = false, bool AttentionMask = false);
