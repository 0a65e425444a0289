using System.Text.Json;
using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;
using Microsoft.ML.Tokenizers;

namespace Gac.Pipeline.Text;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers BPE tokenizer from a Hugging Face tokenizer.json (format of the
/// `tokenizers` library). Only what maps exactly is accepted: model BPE; no normalizer; a ByteLevel
/// pre-tokenizer (GPT-2 style) or none; a ByteLevel or no post-processor. Every other component is
/// refused with GAC1401 naming it, since tokenizing "nearly" like the model would measure the
/// wrong text. The decoder is not read: decoding plays no part in encoding.
/// </summary>
internal static partial class HuggingFaceTokenizerJson
{
    public static (Tokenizer Tokenizer, string Description) Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw GacException.Create(DiagnosticCatalogue.TokenizerUnreadable, $"'{path}' is not JSON: {e.Message}", new SourceLocation(path, (int)(e.LineNumber
                ?? 0) + 1), e);
        }

        using (document)
        {
            var root = document.RootElement;
            foreach (var field in new[] { "truncation", "padding", "normalizer" })
            {
                if (root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    throw Unsupported(path, $"{field} is set ({Summary(value)}); only tokenizer.json files without {field} are reproduced exactly.");
                }
            }

            var byteLevel = PreTokenizer(path, root, out var preTokenizer);
            PostProcessor(path, root);
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object
                ? m
                : throw Unreadable(path, "it has no \"model\" object.");
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE")
            {
                throw Unsupported(path, $"model.type is '{type}'; only BPE tokenizer.json files are read (for WordPiece name the model's vocab.txt, for a " +
                    $"SentencePiece model its tokenizer.model).");
            }

            RequireAbsentOrFalse(path, model, "byte_fallback");
            RequireAbsentOrFalse(path, model, "ignore_merges");
            if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind != JsonValueKind.Null && dropout.GetDouble() != 0)
            {
                throw Unsupported(path, $"model.dropout is {dropout.GetDouble()}: BPE dropout samples different tokens on every call.");
            }

            var vocabulary = Vocabulary(path, model);
            var merges = Merges(path, model);
            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                ByteLevel = byteLevel,
                PreTokenizer = preTokenizer,
                UnknownToken = OptionalString(model, "unk_token"),
                ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix"),
                EndOfWordSuffix = OptionalString(model, "end_of_word_suffix"),
                FuseUnknownTokens = model.TryGetProperty("fuse_unk", out var fuse) && fuse.ValueKind == JsonValueKind.True,
                SpecialTokens = AddedTokens(root),
            };
            var description = $"tokenizer.json BPE{(byteLevel ? ", byte-level" : string.Empty)}, {vocabulary.Count} tokens, {merges.Count} merges";
            return (BpeTokenizer.Create(options), description);
        }
    }

    /// <summary>
    /// ByteLevel maps every UTF-8 byte to a printable character before BPE (GPT-2); with use_regex it first
    /// splits words with GPT-2's pattern. No pre-tokenizer at all means the text is one piece, which an
    /// anything-matching regex reproduces (Microsoft.ML.Tokenizers would otherwise split on whitespace).
    /// </summary>
    private static bool PreTokenizer(string path, JsonElement root, out PreTokenizer preTokenizer)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null)
        {
            preTokenizer = new RegexPreTokenizer(WholeText(), null);
            return false;
        }

        var type = pre.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type != "ByteLevel")
        {
            throw Unsupported(path, $"pre_tokenizer.type is '{type}'; only ByteLevel (or no pre-tokenizer) is reproduced exactly.");
        }

        if (pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
        {
            throw Unsupported(path, "pre_tokenizer.add_prefix_space is true; only false is reproduced exactly.");
        }

        var useRegex = !pre.TryGetProperty("use_regex", out var regex) || regex.ValueKind != JsonValueKind.False;
        preTokenizer = new RegexPreTokenizer(useRegex ? Gpt2Words() : WholeText(), null);
        return true;
    }

    /// <summary>A ByteLevel post-processor only trims offsets; any other (Template, Bert, Roberta) adds tokens.</summary>
    private static void PostProcessor(string path, JsonElement root)
    {
        if (root.TryGetProperty("post_processor", out var post) && post.ValueKind != JsonValueKind.Null)
        {
            var type = post.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "ByteLevel")
            {
                throw Unsupported(path, $"post_processor.type is '{type}'; only ByteLevel (or none) is reproduced exactly.");
            }
        }
    }

    private static Dictionary<string, int> Vocabulary(string path, JsonElement model)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw Unreadable(path, "model.vocab is not an object of token → id.");
        }

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw Unreadable(path, $"model.vocab gives '{entry.Name}' the id {entry.Value}, not a non-negative integer.");
            }

            result[entry.Name] = id;
        }

        return result;
    }

    /// <summary>Merges as "a b" strings (tokenizers before 0.20) or ["a", "b"] pairs (0.20 and later).</summary>
    private static List<string> Merges(string path, JsonElement model)
    {
        var result = new List<string>();
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        foreach (var merge in merges.EnumerateArray())
        {
            result.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => throw Unreadable(path, $"model.merges holds {merge}, neither \"a b\" nor [\"a\", \"b\"]."),
            });
        }

        return result;
    }

    private static Dictionary<string, int>? AddedTokens(JsonElement root)
    {
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array || added.GetArrayLength() == 0)
        {
            return null;
        }

        return added.EnumerateArray().ToDictionary(a => a.GetProperty("content").GetString()!, a => a.GetProperty("id").GetInt32(), StringComparer.Ordinal);
    }

    private static void RequireAbsentOrFalse(string path, JsonElement model, string field)
    {
        if (model.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.True)
        {
            throw Unsupported(path, $"model.{field} is true; only false is reproduced exactly.");
        }
    }

    private static string? OptionalString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Summary(JsonElement value)
        => value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type) ? $"type '{type}'" : value.ValueKind.ToString()
            .ToLowerInvariant();

    private static GacException Unsupported(string path, string message)
        => GacException.Create(DiagnosticCatalogue.TokenizerFeatureUnsupported, $"Tokenizer '{path}': {message}", new SourceLocation(path));

    private static GacException Unreadable(string path, string message)
        => GacException.Create(DiagnosticCatalogue.TokenizerUnreadable, $"Tokenizer '{path}': {message}", new SourceLocation(path));

    /// <summary>GPT-2's word pattern, which the tokenizers ByteLevel pre-tokenizer uses (contractions, letters, digits, other, whitespace).</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Words();

    [GeneratedRegex(@"(?s).+")]
    private static partial Regex WholeText();
}
