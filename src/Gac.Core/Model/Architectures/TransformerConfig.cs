namespace Gac.Core.Model.Architectures;

/// <summary>
/// A decoder-only language model's shape and numeric constants, read from a Hugging Face
/// config.json (<see cref="TransformerConfigReader"/>). One record for both families; GPT-2's
/// n_embd/n_layer/n_head/n_inner map onto the same fields.
/// </summary>
public sealed record TransformerConfig
{
    private readonly int? _rotaryDim;

    public required string ModelType { get; init; }

    public required TransformerFamily Family { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int Layers { get; init; }

    public required int Heads { get; init; }

    /// <summary>Grouped-query attention: k/v heads, each shared by Heads / KvHeads query heads. GPT-2: Heads.</summary>
    public required int KvHeads { get; init; }

    /// <summary>hidden_size / heads unless config.json says head_dim.</summary>
    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositions { get; init; }

    /// <summary>RMSNorm epsilon (Llama) or LayerNorm epsilon (GPT-2).</summary>
    public required double NormEpsilon { get; init; }

    public double RopeTheta { get; init; } = 10000.0;

    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;

    /// <summary>The LM head reuses the token embedding (GPT-2 always; Llama when tie_word_embeddings).</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>
    /// Qwen3: q_norm and k_norm, an RMSNorm over each head's head_dim values of q and k (weights
    /// [head_dim], shared by all heads) applied before RoPE (Qwen3Attention).
    /// </summary>
    public bool QkNorm { get; init; }

    /// <summary>
    /// Phi-3: the checkpoint stores q/k/v as one qkv_proj and gate/up as one gate_up_proj; they are
    /// read through <see cref="FusedProjectionSplit"/> and exported as the separate Llama projections.
    /// </summary>
    public bool FusedProjections { get; init; }

    /// <summary>Bias on q, k and v (Qwen2 always; Llama with attention_bias; GPT-2 always).</summary>
    public bool QkvBias { get; init; }

    /// <summary>Bias on the attention output projection (Llama with attention_bias; GPT-2 always).</summary>
    public bool OutputBias { get; init; }

    /// <summary>Bias on the MLP projections (Llama with mlp_bias; GPT-2 always).</summary>
    public bool MlpBias { get; init; }

    /// <summary>
    /// Mistral/Qwen2 sliding-window attention span: a query at position q sees keys at positions
    /// q − window + 1 … q (transformers' sliding_window_overlay: kv &gt; q − window). Null when no layer slides.
    /// </summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Per layer, whether it uses <see cref="SlidingWindow"/> (Qwen2: layer_types / max_window_layers; Mistral: all).</summary>
    public LayerMask SlidingLayers { get; init; } = LayerMask.None;

    /// <summary>Leading dims of each head that RoPE rotates (head_dim · partial_rotary_factor); the rest pass through.</summary>
    public int RotaryDim
    {
        get => _rotaryDim ?? HeadDim;
        init => _rotaryDim = value;
    }

    public int QueryWidth => Heads * HeadDim;

    public int KeyValueWidth => KvHeads * HeadDim;

    public bool UsesSlidingWindow(int layer) => SlidingWindow is not null && SlidingLayers[layer];
}
