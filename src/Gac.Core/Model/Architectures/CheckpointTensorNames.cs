namespace Gac.Core.Model.Architectures;

/// <summary>
/// Hugging Face's module names for each family (transformers' modeling_llama / modeling_gpt2).
/// Linear layers are named without the ".weight" suffix: the exporter names its MatMul nodes and
/// initializers after them, and shape-only planning uses the same names.
/// </summary>
public sealed record CheckpointTensorNames(TransformerFamily Family, string Prefix)
{
    /// <summary>Llama family: every tensor but lm_head lives under "model.".</summary>
    public static CheckpointTensorNames Llama { get; } = new(TransformerFamily.Llama, "model.");

    /// <summary>GPT-2 as the original checkpoints store it (GPT2Model, no prefix).</summary>
    public static CheckpointTensorNames Gpt2 { get; } = new(TransformerFamily.Gpt2, "");

    public static CheckpointTensorNames For(TransformerFamily family) => family == TransformerFamily.Llama ? Llama : Gpt2;

    /// <summary>
    /// The naming a checkpoint actually uses: GPT2LMHeadModel.save_pretrained prefixes every
    /// tensor with "transformer.", the original GPT-2 uploads do not.
    /// </summary>
    public static CheckpointTensorNames Detect(TransformerFamily family, ICheckpointTensors tensors)
        => family == TransformerFamily.Gpt2 && !tensors.Contains("wte.weight") && tensors.Contains("transformer.wte.weight")
            ? Gpt2 with { Prefix = "transformer." }
            : For(family);

    public string Embedding => Family == TransformerFamily.Llama ? $"{Prefix}embed_tokens.weight" : $"{Prefix}wte.weight";

    /// <summary>GPT-2's learned position table (absent in the Llama family, which uses RoPE).</summary>
    public string PositionEmbedding => $"{Prefix}wpe.weight";

    public string FinalNorm => Family == TransformerFamily.Llama ? $"{Prefix}norm" : $"{Prefix}ln_f";

    /// <summary>lm_head sits outside the "model." module in Llama checkpoints.</summary>
    public string LmHead => "lm_head";

    public string Block(int layer) => Family == TransformerFamily.Llama ? $"{Prefix}layers.{layer}" : $"{Prefix}h.{layer}";

    public string Attention(int layer) => Block(layer) + (Family == TransformerFamily.Llama ? ".self_attn" : ".attn");

    public string Mlp(int layer) => Block(layer) + ".mlp";

    /// <summary>Llama: q_proj, k_proj, v_proj, o_proj. GPT-2: c_attn (fused), c_proj.</summary>
    public string AttentionLinear(int layer, string projection) => $"{Attention(layer)}.{projection}";

    /// <summary>Llama: gate_proj, up_proj, down_proj. GPT-2: c_fc, c_proj.</summary>
    public string MlpLinear(int layer, string projection) => $"{Mlp(layer)}.{projection}";

    /// <summary>Llama: input_layernorm / post_attention_layernorm. GPT-2: ln_1 / ln_2.</summary>
    public string BlockNorm(int layer, bool beforeAttention) => Family == TransformerFamily.Llama
        ? $"{Block(layer)}.{(beforeAttention ? "input_layernorm" : "post_attention_layernorm")}"
        : $"{Block(layer)}.{(beforeAttention ? "ln_1" : "ln_2")}";
}
