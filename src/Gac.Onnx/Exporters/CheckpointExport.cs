namespace Gac.Onnx.Exporters;

/// <summary>What an export wrote: the model, its data file when external, and the context it serves (max_position_embeddings / n_positions).</summary>
public sealed record CheckpointExport(string ModelPath, string? DataPath, int Positions, long Parameters)
{
    public const string InputName = "input_ids";
    public const string OutputName = "logits";

    /// <summary>int64 [batch, past_sequence + seq]: 1 for a real token, 0 for padding (<see cref="CheckpointExportOptions.AttentionMask"/>).</summary>
    public const string AttentionMaskName = "attention_mask";

    /// <summary>int64 [batch, seq]: each new token's position (<see cref="CheckpointExportOptions.AttentionMask"/>).</summary>
    public const string PositionIdsName = "position_ids";

    /// <summary>Symbolic length of the cached prefix; 0 for a prefill.</summary>
    public const string PastSequenceDim = "past_sequence";

    /// <summary>Symbolic length of a present output: the cached prefix plus this call's tokens.</summary>
    public const string PresentSequenceDim = "past_sequence + seq";

    public static string PastKeyName(int layer) => $"past_key_values.{layer}.key";

    public static string PastValueName(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKeyName(int layer) => $"present.{layer}.key";

    public static string PresentValueName(int layer) => $"present.{layer}.value";
}
