namespace Gac.Core.Model.Architectures;

/// <summary>The decoder-only architectures whose Hugging Face checkpoints can be read and exported.</summary>
public enum TransformerFamily
{
    /// <summary>Llama, Mistral, Qwen2: RMSNorm, RoPE, grouped-query attention, SwiGLU MLP.</summary>
    Llama,

    /// <summary>GPT-2: LayerNorm, learned positions, fused c_attn, gelu_new MLP, Conv1D weights [in, out].</summary>
    Gpt2,
}
