using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Microsoft.ML.Tokenizers;

namespace Gac.Pipeline.Text;

/// <summary>
/// The model's own tokenizer, loaded with Microsoft.ML.Tokenizers from the file the model ships:
/// a WordPiece vocab.txt (BERT family), a SentencePiece tokenizer.model (Llama family) or a
/// Hugging Face tokenizer.json (BPE). Encoding adds the special tokens the model was trained with
/// ([CLS] … [SEP] for BERT, a leading BOS for Llama), as the model's own tokenizer call does.
/// </summary>
public sealed class ModelTokenizer
{
    private ModelTokenizer(string path, TokenizerKind kind, Tokenizer inner, int? paddingId, string description)
    {
        Path = path;
        Kind = kind;
        Inner = inner;
        PaddingId = paddingId;
        Description = description;
    }

    public string Path { get; }

    public TokenizerKind Kind { get; }

    /// <summary>The id that fills an encoder's padded positions (masked out by the attention mask); null when the tokenizer has none.</summary>
    public int? PaddingId { get; }

    /// <summary>What was loaded, for the run's progress lines, e.g. "WordPiece vocab.txt, 30522 tokens, lower-cased".</summary>
    public string Description { get; }

    internal Tokenizer Inner { get; }

    public static ModelTokenizer Load(string path)
    {
        if (!File.Exists(path))
        {
            throw GacException.Create(DiagnosticCatalogue.TokenizerUnreadable, $"Tokenizer file '{path}' does not exist.", new SourceLocation(path));
        }

        var kind = TokenizerFiles.KindOf(path)
            ?? throw GacException.Create(DiagnosticCatalogue.SpecTokenizerKindUnsupported, $"'{path}' is not a vocab.txt, tokenizer.model or tokenizer.json.",
                new SourceLocation(path));
        try
        {
            return kind switch
            {
                TokenizerKind.WordPieceVocabulary => WordPiece(path),
                TokenizerKind.SentencePiece => SentencePiece(path),
                _ => HuggingFaceJson(path),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or FormatException
            or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw GacException.Create(DiagnosticCatalogue.TokenizerUnreadable, $"Tokenizer file '{path}' cannot be loaded as a {Describe(kind)}: {e.Message}",
                new SourceLocation(path), e);
        }
    }

    /// <summary>One sentence as the model's tokenizer encodes it, special tokens included.</summary>
    /// <remarks>BertTokenizer adds [CLS] / [SEP] only through its own overload; the base call leaves them out.</remarks>
    public IReadOnlyList<int> Encode(string text)
        => Inner is BertTokenizer bert
            ? bert.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true)
            : Inner.EncodeToIds(text);

    private static ModelTokenizer WordPiece(string path)
    {
        var casing = WordPieceCasing.Of(path);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = casing.LowerCase,
            RemoveNonSpacingMarks = casing.StripAccents,
        };
        var bert = BertTokenizer.Create(path, options);
        var description = $"WordPiece vocab.txt, {(casing.LowerCase ? "lower-cased" : "cased")}{(casing.StripAccents ? ", accents stripped" : string.Empty)} " +
            $"({casing.Source})";
        return new ModelTokenizer(path, TokenizerKind.WordPieceVocabulary, bert, bert.PaddingTokenId, description);
    }

    /// <summary>A leading BOS and no EOS: how Llama's tokenizer encodes a prompt or a document.</summary>
    private static ModelTokenizer SentencePiece(string path)
    {
        using var stream = File.OpenRead(path);
        var tokenizer = SentencePieceTokenizer.Create(stream, true, false);
        return new ModelTokenizer(path, TokenizerKind.SentencePiece, tokenizer, null, "SentencePiece tokenizer.model (BOS added)");
    }

    private static ModelTokenizer HuggingFaceJson(string path)
    {
        var (tokenizer, description) = HuggingFaceTokenizerJson.Load(path);
        return new ModelTokenizer(path, TokenizerKind.HuggingFaceJson, tokenizer, null, description);
    }

    private static string Describe(TokenizerKind kind) => kind switch
    {
        TokenizerKind.WordPieceVocabulary => "WordPiece vocabulary",
        TokenizerKind.SentencePiece => "SentencePiece model",
        _ => "Hugging Face tokenizer.json",
    };
}
