namespace Gac.Core.Diagnostics;

/// <summary>export.genai: a folder ONNX Runtime GenAI opens as is, or a refusal naming what cannot be given to it exactly.</summary>
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor GenAiModelTypeUnsupported = new(
        "GAC1700", "ONNX Runtime GenAI cannot drive this export's graph",
        "GenAI picks how it feeds the graph by the checkpoint's model_type; for this model_type it expects inputs the export does not have (GPT-2: one combined past_%d cache per layer, where the export keeps separate key and value).",
        "Use a Llama-family checkpoint (llama, mistral, qwen2, qwen3, phi3) for export.genai, or set export.genai: false and run the artifact with plain ONNX Runtime.");

    public static readonly DiagnosticDescriptor GenAiTokenIdInvalid = new(
        "GAC1701", "A special-token id cannot be given to GenAI",
        "generation_config.json or config.json declares no eos_token_id (GenAI would silently stop at token 0), or an eos/bos/pad id that is not an integer below vocab_size (eos may be a list of them).",
        "Declare eos_token_id (and pad_token_id where the model has one) in the checkpoint's generation_config.json, as integers below vocab_size.");

    public static readonly DiagnosticDescriptor GenAiGenerationFieldUntranslatable = new(
        "GAC1702", "A generation_config.json field has no exact GenAI equivalent",
        "genai_config.json's search section has no option that does what this Hugging Face generation field does (e.g. max_new_tokens, typical_p), or its value has a type GenAI's option does not take; writing the file without it would change how the model generates.",
        "Remove the field from generation_config.json (or set it to null), or set export.genai: false.");

    public static readonly DiagnosticDescriptor GenAiTokenizerMissing = new(
        "GAC1703", "The checkpoint has no tokenizer files GenAI can load",
        "GenAI's Tokenizer reads tokenizer_config.json together with tokenizer.json (or a SentencePiece tokenizer.model) from the model's folder; the checkpoint folder lacks them, so the artifact folder would open but could not encode a prompt.",
        "Put the model's tokenizer_config.json and tokenizer.json (as Hugging Face saves them) into the checkpoint folder, or set export.genai: false.");

    public static readonly DiagnosticDescriptor GenAiConfigUnreadable = new(
        "GAC1704", "config.json or generation_config.json cannot be read for GenAI",
        "The file is not a JSON object, or a field genai_config.json needs has another type than an integer.",
        "Fix the JSON file; Hugging Face's save_pretrained writes both files in the expected form.");

    public static readonly DiagnosticDescriptor GenAiGraphMismatch = new(
        "GAC1705", "The artifact lacks an input or output genai_config.json names",
        "genai_config.json names the graph's inputs and outputs (input_ids, attention_mask, position_ids, past_key_values.{i}.key/value, logits, present.{i}.key/value); the model to publish does not have one of them.",
        "Export with model.past_kv: true and model.attention_mask: true; if they are set, report it: the export and the config writer disagree.");
}
