using System.Text;
using Gac.Core.Diagnostics;
using Gac.Pipeline.Text;

namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// The model's own tokenizer on real text. Expected ids come from the definitions, not from the
/// library under test: BERT's WordPiece (greedy longest-match-first over the vocabulary, "##" for a
/// word's continuation, [CLS] first and [SEP] last; Devlin et al. 2019 and HF BertTokenizer), with
/// each id looked up as the token's 0-based line in MiniLM's vocab.txt; and the tiny-llama's
/// byte-level definition (token id = UTF-8 byte value, its model card).
/// </summary>
public sealed class ModelTokenizerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void MiniLm_vocab_txt_encodes_a_sentence_as_CLS_wordpieces_SEP_with_the_vocabulary_line_numbers()
    {
        var tokenizer = ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary);

        var ids = tokenizer.Encode("The quick brown fox jumps over the lazy dog.");

        // bert-base-uncased ids every BERT user knows: [CLS] 101, [SEP] 102, "the" 1996.
        Assert.Equal([101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102], ids);
        Assert.Equal(Lookup("[CLS]", "the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", ".", "[SEP]"), ids);
    }

    [Fact]
    public void Words_outside_the_vocabulary_split_greedily_into_the_longest_wordpieces()
    {
        var tokenizer = ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary);

        var ids = tokenizer.Encode("Tokenization is unaffable, GPU compress!");

        // Greedy longest match by hand against vocab.txt: "tokenization" is absent, "token" + "##ization"
        // is the longest prefix split; "unaffable" → una ##ffa ##ble; upper case is folded first.
        Assert.Equal(
            Lookup("[CLS]", "token", "##ization", "is", "una", "##ffa", "##ble", ",", "gp", "##u", "com", "##press", "!", "[SEP]"),
            ids);
    }

    [Fact]
    public void An_uncased_vocabulary_lower_cases_and_strips_accents_like_HF_BertTokenizer()
    {
        var tokenizer = ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary);

        Assert.Equal(Lookup("[CLS]", "cafe", "naive", "[SEP]"), tokenizer.Encode("Café NAÏVE"));
        Assert.Contains("lower-cased", tokenizer.Description, StringComparison.Ordinal);
        Assert.Equal(0, tokenizer.PaddingId);
    }

    [Fact]
    public void The_vocab_txt_as_shipped_with_CRLF_line_ends_gives_the_same_ids_as_with_LF()
    {
        var lf = Path.Combine(_folder, "vocab.txt");
        File.WriteAllLines(lf, File.ReadLines(RealTextFiles.MiniLmVocabulary).Select(l => l.TrimEnd('\r')));
        var sentence = "Every spring the storks return to the same nest on the chimney.";

        Assert.Contains("\r\n", File.ReadAllText(RealTextFiles.MiniLmVocabulary), StringComparison.Ordinal);
        Assert.Equal(ModelTokenizer.Load(lf).Encode(sentence), ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary).Encode(sentence));
    }

    [Fact]
    public void A_cased_vocabulary_keeps_case_and_a_tokenizer_config_beside_it_decides()
    {
        var vocabulary = Path.Combine(_folder, "vocab.txt");
        File.WriteAllLines(vocabulary, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "The", "the", "cat"]);

        Assert.Equal([2, 5, 7, 3], ModelTokenizer.Load(vocabulary).Encode("The cat"));

        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{ "do_lower_case": true }""");
        Assert.Equal([2, 6, 7, 3], ModelTokenizer.Load(vocabulary).Encode("The cat"));
    }

    [Theory]
    [InlineData("Hello, world!")]
    [InlineData("Tabs\tand  double  spaces,\r\nCRLF line ends and trailing space ")]
    [InlineData("Ünïcödé: naïve café, 日本語, €5 and an emoji 🙂.")]
    [InlineData("\n\n   \t")]
    public void The_tiny_llama_tokenizer_json_encodes_any_text_to_its_UTF8_bytes(string text)
    {
        var tokenizer = ModelTokenizer.Load(Path.Combine(RealTextFiles.TinyLlama, "tokenizer.json"));

        Assert.Equal(Encoding.UTF8.GetBytes(text).Select(b => (int)b), tokenizer.Encode(text));
    }

    [Fact]
    public void The_tiny_llama_held_out_text_tokenizes_to_the_bundled_held_out_token_ids()
    {
        var tokenizer = ModelTokenizer.Load(Path.Combine(RealTextFiles.TinyLlama, "tokenizer.json"));
        var expected = File.ReadAllText(Path.Combine(RealTextFiles.TinyLlama, "heldout.tokens"))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(int.Parse);

        var ids = TextCorpus.Documents(Path.Combine(RealTextFiles.TinyLlama, "heldout.txt")).SelectMany(d => tokenizer.Encode(d.Text));

        Assert.Equal(expected, ids);
    }

    [Fact]
    public void A_byte_level_tokenizer_json_splits_words_with_GPT2s_pattern_before_mapping_bytes_then_merges_by_rank()
    {
        // The tiny-llama's 256 byte tokens plus merges "Ġ 1" → "Ġ1", "Ġ1 2" → "Ġ12", "1 2" → "12" (ids 256–258).
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RealTextFiles.TinyLlama, "tokenizer.json")))!;
        var model = json["model"]!;
        model["vocab"]!["Ġ1"] = 256;
        model["vocab"]!["Ġ12"] = 257;
        model["vocab"]!["12"] = 258;
        model["merges"] = new System.Text.Json.Nodes.JsonArray("Ġ 1", "Ġ1 2", "1 2");
        var path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());

        var ids = ModelTokenizer.Load(path).Encode("12 12x");

        // GPT-2's pattern takes " ?\p{N}+" on the text itself: "12", " 12", "x"; bytes map to
        // characters afterwards (space → "Ġ"), so " 12" merges whole to "Ġ12".
        Assert.Equal([258, 257, 'x'], ids);
    }

    [Theory]
    [InlineData("""{ "normalizer": { "type": "NFC" }, "model": { "type": "BPE", "vocab": {}, "merges": [] } }""", "normalizer")]
    [InlineData("""{ "model": { "type": "WordPiece", "vocab": {} } }""", "model.type is 'WordPiece'")]
    [InlineData("""{ "model": { "type": "BPE", "byte_fallback": true, "vocab": {}, "merges": [] } }""", "model.byte_fallback")]
    [InlineData("""{ "pre_tokenizer": { "type": "Metaspace" }, "model": { "type": "BPE", "vocab": {}, "merges": [] } }""", "pre_tokenizer.type is 'Metaspace'")]
    [InlineData("""{ "post_processor": { "type": "TemplateProcessing" }, "model": { "type": "BPE", "vocab": {}, "merges": [] } }""",
        "post_processor.type is 'TemplateProcessing'")]
    public void A_tokenizer_json_with_a_component_that_cannot_be_reproduced_exactly_is_refused_naming_it(string json, string named)
    {
        var path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<GacException>(() => ModelTokenizer.Load(path));

        Assert.Equal("GAC1401", error.Diagnostics[0].Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Diagnostics[0].Location!.File);
    }

    [Fact]
    public void A_tokenizer_json_that_is_not_JSON_is_GAC1400_with_its_line()
    {
        var path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, "{\n  \"model\": \n  oops\n}");

        var error = Assert.Throws<GacException>(() => ModelTokenizer.Load(path));

        Assert.Equal("GAC1400", error.Diagnostics[0].Code);
        Assert.Equal(3, error.Diagnostics[0].Location!.Line);
    }

    [Fact]
    public void A_sentencepiece_model_that_is_not_one_is_GAC1400()
    {
        var path = Path.Combine(_folder, "tokenizer.model");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);

        var error = Assert.Throws<GacException>(() => ModelTokenizer.Load(path));

        Assert.Equal("GAC1400", error.Diagnostics[0].Code);
    }

    /// <summary>Each token's id is its 0-based line in vocab.txt (CR of the shipped CRLF file dropped).</summary>
    private static int[] Lookup(params string[] tokens)
    {
        var lines = File.ReadLines(RealTextFiles.MiniLmVocabulary).Select(l => l.TrimEnd('\r')).ToList();
        return tokens.Select(t => lines.IndexOf(t)).ToArray();
    }
}
