namespace Gac.Onnx.Exporters;

/// <summary>What an export wrote: the model, its data file when external, and the position limit baked in.</summary>
public sealed record CheckpointExport(string ModelPath, string? DataPath, int Positions, long Parameters)
{
    public const string InputName = "input_ids";
    public const string OutputName = "logits";
}
