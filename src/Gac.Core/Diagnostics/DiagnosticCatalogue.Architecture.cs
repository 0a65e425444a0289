namespace Gac.Core.Diagnostics;

/// <summary>GAC1220–1259: config.json fields an architecture's forward pass depends on; GAC3020–3039: export settings of checkpoint exports.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor ConfigFieldUnsupported = new(
        "GAC1220", "config.json field changes the forward pass and is not supported",
        "config.json sets a field that transformers' modeling code for this model_type reads and that changes the outputs, to a value the exporter does not " +
            "implement exactly.",
        "Remove the field only if the model was trained without it; otherwise export this model another way. The message names the field; " +
            "src/Gac.Core/Model/Architectures/CONFIG-FIELDS.md lists the fields read per model_type.");

    public static readonly DiagnosticDescriptor RopeParametersAmbiguous = new(
        "GAC1221", "RoPE parameters ambiguous across transformers versions",
        "rope_scaling / rope_parameters hold values that transformers versions read differently (e.g. a YaRN factor that disagrees with " +
            "max_position_embeddings / original_max_position_embeddings), or that depend on earlier calls (dynamic NTK).",
        "Make the fields consistent (factor = max_position_embeddings / original_max_position_embeddings), or use a static rope type.");

    public static readonly DiagnosticDescriptor ContextShorterThanCalibration = new(
        "GAC1222", "Calibration or validation sequence longer than the model's context",
        "A calibration or validation shape asks for more tokens (past + new) than config.json's max_position_embeddings (GPT-2: n_positions, the rows of its " +
            "learned position table).",
        "Shorten calibration.dims / validation.shapes to at most max_position_embeddings tokens.");

    public static readonly DiagnosticDescriptor ExportOpsetUnsupported = new(
        "GAC3020", "export.opset outside the supported range",
        "export.opset asks for an ONNX opset the checkpoint exporter does not write (its graphs use LayerNormalization, opset 17, and are written for opsets " +
            "17 to 23).",
        "Set export.opset between 17 and 23, or leave it out (17).");
}
