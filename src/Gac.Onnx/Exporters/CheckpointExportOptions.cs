using Gac.Core.Model;

namespace Gac.Onnx.Exporters;

/// <summary>How <see cref="CheckpointExporter"/> writes a checkpoint as ONNX.</summary>
public sealed record CheckpointExportOptions
{
    public static CheckpointExportOptions Default { get; } = new();

    /// <summary>The lowest opset the export writes: GPT-2's LayerNormalization is opset 17.</summary>
    public const int MinimumOpset = 17;

    /// <summary>The highest opset the export writes and tests on ONNX Runtime.</summary>
    public const int MaximumOpset = 23;

    /// <summary>Default-domain opset of the graph (export.opset); outside MinimumOpset…MaximumOpset is GAC3020.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>
    /// Auto: weights inside the .onnx file when the model is estimated below
    /// <see cref="SingleFileLimitBytes"/>, otherwise streamed to "&lt;file&gt;.data" beside it.
    /// </summary>
    public ExternalDataPolicy ExternalData { get; init; } = ExternalDataPolicy.Auto;

    /// <summary>Protobuf's 2 GB limit less 64 MB for the graph itself and the small inline tensors.</summary>
    public long SingleFileLimitBytes { get; init; } = OnnxModelFile.ProtobufMessageLimit - (64L << 20);

    /// <summary>Store weights as float16 (each followed by a Cast, see Gac.Onnx.Rewrites.Fp16Conversion); arithmetic stays fp32.</summary>
    public bool Float16Weights { get; init; }

    /// <summary>
    /// Store weights as bfloat16 and run the weight MatMuls in bfloat16 (Fp16Conversion with
    /// Fp16ConversionOptions.BFloat16): for ONNX Runtime's CUDA provider; the CPU provider runs such a graph
    /// only through Gac.Onnx.Rewrites.Bf16Emulation. Not together with <see cref="Float16Weights"/>.
    /// </summary>
    public bool BFloat16Weights { get; init; }

    /// <summary>
    /// The type checkpoint tensors are stored in: Float (default), or BFloat16 / Float16 for a BF16 / F16
    /// checkpoint — each tensor whose values that type holds exactly (all of a BF16 / F16 tensor) is written in
    /// it, bits as in the checkpoint, one tensor at a time, and the graph reads it through a Cast to float32:
    /// storage only, the arithmetic stays float32 (ONNX Runtime's CPU provider casts both types to float), so
    /// the logits are bitwise those of a float32 export. A tensor the type cannot hold exactly (an F32 norm gain
    /// beside BF16 matrices) stays float32. Not together with <see cref="Float16Weights"/> or <see cref="BFloat16Weights"/>.
    /// </summary>
    public OnnxDataType WeightStorage
    {
        get;
        init => field = value is OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.BFloat16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Weights are stored as float, float16 or bfloat16.");
    } = OnnxDataType.Float;

    /// <summary>
    /// Adds the decode cache HF/Optimum name: per layer, inputs "past_key_values.{i}.key/.value"
    /// [batch, kv_heads, past_sequence, head_dim] and outputs "present.{i}.key/.value" holding past
    /// and new keys/values, so one graph serves prefill (past_sequence = 0) and decode (seq = 1).
    /// Off, the prefill-only graph is written exactly as before.
    /// </summary>
    public bool PastKeyValues { get; init; }

    /// <summary>
    /// Adds the inputs a generation server feeds (ONNX Runtime GenAI, Optimum): "attention_mask" int64
    /// [batch, past_sequence + seq] (1 = a real token, 0 = padding, over the cached and the new
    /// tokens) and "position_ids" int64 [batch, seq]. Padded keys are masked out of attention and
    /// positions come from position_ids, not from the column index, so a padded batch gives each row
    /// the logits it has alone. Off, positions are the column index and nothing is masked but the future.
    /// </summary>
    public bool AttentionMask { get; init; }

    /// <summary>fsync before renaming into place (off in tests for speed).</summary>
    public bool FlushToDisk { get; init; } = true;
}
