using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Pipeline.Text;

/// <summary>
/// Whether a BERT WordPiece tokenizer lower-cases (and strips accents from) its input. A vocab.txt
/// does not say; Hugging Face keeps it in tokenizer_config.json (do_lower_case, strip_accents),
/// which is read when it sits beside the vocabulary. Without it the vocabulary decides: an
/// uncased vocabulary has no token that lower-casing changes outside its bracketed special tokens
/// ([CLS], [SEP], …), so it cannot represent cased text, and a cased one has thousands (e.g. "The").
/// (Letters such as 'ℝ' are upper-case but have no lower-case form; bert-base-uncased keeps them.)
/// HF BertTokenizer strips accents when strip_accents is unset and the text is lower-cased.
/// </summary>
internal sealed record WordPieceCasing(bool LowerCase, bool StripAccents, string Source)
{
    public const string ConfigFileName = "tokenizer_config.json";

    public static WordPieceCasing Of(string vocabularyPath)
    {
        var config = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(vocabularyPath))!, ConfigFileName);
        if (File.Exists(config))
        {
            return FromConfig(config);
        }

        var cased = File.ReadLines(vocabularyPath)
            .Select(line => line.TrimEnd('\r'))
            .Any(token => !(token.StartsWith('[') && token.EndsWith(']')) && !string.Equals(token, token.ToLowerInvariant(), StringComparison.Ordinal));
        return new WordPieceCasing(!cased, !cased, cased ? "the vocabulary has upper-case tokens" : "the vocabulary has no token with a lower-case form");
    }

    private static WordPieceCasing FromConfig(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var lower = root.TryGetProperty("do_lower_case", out var lowerValue) ? lowerValue.GetBoolean() : true;
            var strip = root.TryGetProperty("strip_accents", out var stripValue) && stripValue.ValueKind != JsonValueKind.Null
                ? stripValue.GetBoolean()
                : lower;
            return new WordPieceCasing(lower, strip, ConfigFileName);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw GacException.Create(DiagnosticCatalogue.TokenizerUnreadable, $"'{path}' (beside the vocabulary) is not a tokenizer config with boolean " +
                $"do_lower_case / strip_accents: {e.Message}", new SourceLocation(path), e);
        }
    }
}
