namespace Gac.Core.Diagnostics;

// Real text for calibration and validation (calibration.text): the model's tokenizer, the text
// file, and how the tokens feed the model. GAC006x spec, GAC140x tokenizer files, GAC404x runtime.
public static partial class DiagnosticCatalogue
{
    public static readonly DiagnosticDescriptor SpecTokenizerMissing = new(
        "GAC0060", "No tokenizer for calibration.text",
        "calibration.text is set, but the model's tokenizer is not known: an ONNX model without calibration.tokenizer, or a Hugging Face folder with no " +
            "tokenizer.json, tokenizer.model or vocab.txt.",
        "Set calibration.tokenizer to the model's tokenizer file (vocab.txt, tokenizer.model or tokenizer.json), or give token ids in calibration.tokens " +
            "instead.");

    public static readonly DiagnosticDescriptor SpecTokenizerKindUnsupported = new(
        "GAC0061", "Tokenizer file kind not supported",
        "calibration.tokenizer names a file that is none of the supported kinds: a WordPiece vocab.txt (*.txt), a SentencePiece model (*.model) or a Hugging " +
            "Face tokenizer.json (*.json).",
        "Point calibration.tokenizer at the model's vocab.txt, tokenizer.model or tokenizer.json.");

    public static readonly DiagnosticDescriptor TokenizerUnreadable = new(
        "GAC1400", "Tokenizer file cannot be read",
        "The tokenizer file is missing, unreadable, or not valid for its kind (a vocab.txt with duplicate or missing special tokens, a tokenizer.json that " +
            "is not JSON, a tokenizer.model that is not a SentencePiece model).",
        "Use the tokenizer file shipped with the model, unmodified; the message names the file and what failed.");

    public static readonly DiagnosticDescriptor TokenizerFeatureUnsupported = new(
        "GAC1401", "Tokenizer feature not supported",
        "The tokenizer.json uses a model type, normalizer, pre-tokenizer, post-processor or option that Gac.Build cannot reproduce exactly with " +
            "Microsoft.ML.Tokenizers (supported: BPE with an optional ByteLevel pre-tokenizer and no normalizer).",
        "Give the model's vocab.txt (WordPiece) or tokenizer.model (SentencePiece) in calibration.tokenizer if it has one, or tokenize the text yourself and " +
            "use calibration.tokens.");

    public static readonly DiagnosticDescriptor TokenizerVocabularyTooLarge = new(
        "GAC1402", "Tokenizer ids exceed the model's vocabulary",
        "The tokenizer produced a token id at or above the model's vocabulary size (the rows of its embedding table), so it is not the model's tokenizer.",
        "Use the tokenizer the model was trained with.");

    public static readonly DiagnosticDescriptor TextFileMalformed = new(
        "GAC4040", "Text file malformed",
        "calibration.text cannot be read, is not UTF-8, or (a .jsonl file) has a line that is not a JSON object with a string field \"text\".",
        "Write plain UTF-8 text, or one JSON object per line such as {\"text\": \"A sentence.\"}; the message gives the line.");

    public static readonly DiagnosticDescriptor TextTooShort = new(
        "GAC4041", "Not enough text for calibration and held-out validation",
        "calibration.text holds fewer windows (language models) or sentences (encoders) than calibration.samples plus validation.heldout_samples need.",
        "Add text, or lower calibration.samples, validation.heldout_samples or the batch/seq dims.");

    public static readonly DiagnosticDescriptor SentenceTooLong = new(
        "GAC4042", "Sentence longer than the sequence length",
        "A sentence of calibration.text tokenizes (with its special tokens) to more tokens than the seq dim holds; it would have to be cut, which changes " +
            "what is measured.",
        "Raise the seq dim in calibration.dims (and validation.shapes), or split the sentence; the message gives its line.");

    public static readonly DiagnosticDescriptor TextInputsUnrecognised = new(
        "GAC4043", "Model inputs cannot be fed from text",
        "calibration.text needs a language model (one int64 [batch, seq] token input, besides k/v-cache inputs) or an encoder (int64 [batch, seq] inputs " +
            "named input_ids, attention_mask and optionally token_type_ids / position_ids); this model has other inputs.",
        "Feed the model with calibration.npy or calibration.inputs instead; the message lists its inputs.");

    public static readonly DiagnosticDescriptor PoolingUnsupported = new(
        "GAC4044", "Sentence pooling not possible",
        "validation.pooling needs the compared output to be token vectors [batch, seq, hidden]; or a sentence-transformers 1_Pooling/config.json beside the " +
            "model declares a pooling other than mean or cls.",
        "Set validation.pooling to none to compare the output as it is, or to mean/cls to override the declaration.");
}
