namespace Gac.Core.Diagnostics;

/// <summary>GAC12xx: Hugging Face checkpoints (safetensors files, config.json) and their export to ONNX.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor CheckpointFileUnreadable = new(
        "GAC1201", "Checkpoint file cannot be read",
        "A safetensors file, its shard index or config.json does not exist or the operating system refused to read it.",
        "Check that the checkpoint folder holds config.json and model.safetensors (or model.safetensors.index.json with every shard it names).");

    public static readonly DiagnosticDescriptor SafetensorsHeaderMalformed = new(
        "GAC1202", "Safetensors header malformed",
        "The file does not start with an 8-byte little-endian header length followed by that many bytes of JSON describing each tensor's dtype, shape and " +
            "data_offsets.",
        "The file is truncated or not a safetensors file; download or save it again.");

    public static readonly DiagnosticDescriptor SafetensorsOffsetsInvalid = new(
        "GAC1203", "Safetensors tensor offsets invalid",
        "A tensor's data_offsets are reversed, reach past the end of the file, or do not match its dtype and shape.",
        "The file is truncated or corrupt; download or save it again.");

    public static readonly DiagnosticDescriptor SafetensorsDtypeUnsupported = new(
        "GAC1204", "Safetensors dtype not supported",
        "A tensor the model needs is stored in a dtype other than F32, F16 or BF16.",
        "Convert the checkpoint's weights to float32, float16 or bfloat16 (quantized checkpoints are not supported).");

    public static readonly DiagnosticDescriptor CheckpointShardMissing = new(
        "GAC1205", "Checkpoint shard missing",
        "model.safetensors.index.json names a shard file that does not exist in the checkpoint folder, or a shard name that leaves the folder.",
        "Copy every shard listed in the index's weight_map into the folder.");

    public static readonly DiagnosticDescriptor CheckpointIndexMalformed = new(
        "GAC1206", "Checkpoint index malformed",
        "model.safetensors.index.json is not JSON with a \"weight_map\" object mapping tensor names to shard file names.",
        "Save the checkpoint again (save_pretrained writes the index), or fix the index by hand.");

    public static readonly DiagnosticDescriptor CheckpointTensorMissing = new(
        "GAC1207", "Checkpoint tensor missing or misshapen",
        "A tensor the architecture needs is absent from the checkpoint, or its shape does not match config.json.",
        "Check that config.json belongs to these weights and that the checkpoint is complete.");

    public static readonly DiagnosticDescriptor ModelConfigMalformed = new(
        "GAC1208", "config.json malformed",
        "config.json is not a JSON object, or a field the architecture needs is missing, of the wrong type, or out of range.",
        "Use the config.json saved with the checkpoint; the message names the field.");

    public static readonly DiagnosticDescriptor ModelTypeUnsupported = new(
        "GAC1209", "Model type not supported",
        "config.json's model_type is not one of the architectures this version can read and export.",
        "Supported model_type values: llama, mistral, qwen2, qwen3, phi3, gpt2 (Gemma is refused with GAC1304). Export other models to ONNX yourself.");

    public static readonly DiagnosticDescriptor RopeScalingUnsupported = new(
        "GAC1210", "RoPE scaling not supported",
        "config.json's rope_scaling / rope_parameters names a rope type the exporter does not implement, or lacks a key that type needs.",
        "Supported rope types: default, linear (factor), llama3 (factor, low_freq_factor, high_freq_factor, original_max_position_embeddings), yarn (factor) " +
            "and longrope (short_factor, long_factor).");

    public static readonly DiagnosticDescriptor CheckpointExportFailed = new(
        "GAC1211", "Checkpoint could not be written as ONNX",
        "Writing the exported ONNX model or its external data file failed (disk full, permissions).",
        "Check free space and permissions of the output folder.");

    public static readonly DiagnosticDescriptor ExportDTypeUndecided = new(
        "GAC1240", "export.dtype auto cannot choose a precision",
        "export.dtype is auto (the checkpoint's own precision), but the checkpoint's weight matrices are stored in more than one type (e.g. BF16 and F32).",
        "Set export.dtype to fp32, fp16 or bf16.");
}
