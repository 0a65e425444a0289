namespace Gac.Core.Spec;

/// <summary>The tokenizer file formats calibration.text can use, told apart by file name.</summary>
public enum TokenizerKind
{
    /// <summary>A BERT WordPiece vocabulary: one token per line, the line number is the id.</summary>
    WordPieceVocabulary,

    /// <summary>A SentencePiece model (protobuf), as Llama and T5 ship it.</summary>
    SentencePiece,

    /// <summary>A Hugging Face tokenizers' tokenizer.json.</summary>
    HuggingFaceJson,
}

/// <summary>Where the model's tokenizer is: named in the spec, or found beside a Hugging Face checkpoint.</summary>
public static class TokenizerFiles
{
    /// <summary>
    /// Looked for in this order in a checkpoint folder: a SentencePiece model first, because Llama-family
    /// folders ship both it and a tokenizer.json whose normalizer the .json route cannot reproduce.
    /// </summary>
    public static readonly IReadOnlyList<string> BesideCheckpoint = ["tokenizer.model", "tokenizer.json", "vocab.txt"];

    public static TokenizerKind? KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" => TokenizerKind.WordPieceVocabulary,
        ".model" => TokenizerKind.SentencePiece,
        ".json" => TokenizerKind.HuggingFaceJson,
        _ => null,
    };

    /// <summary>The first of <see cref="BesideCheckpoint"/> present in <paramref name="folder"/>, or null.</summary>
    public static string? FindBeside(string folder)
        => BesideCheckpoint.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    /// <summary>The tokenizer file calibration.text uses (the loader resolves calibration.tokenizer or the checkpoint's own).</summary>
    public static string? Resolve(GacSpec spec) => spec.Calibration.Tokenizer?.FullPath;
}
