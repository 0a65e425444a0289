using System.Text.Json;

namespace Gac.Examples.TrainLm;

/// <summary>
/// The model's tokenizer as a Hugging Face tokenizer.json: token id = byte value, written as a BPE
/// model with no merges behind a ByteLevel pre-tokenizer. ByteLevel maps each UTF-8 byte to one
/// printable character (the GPT-2 table: bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF map to
/// themselves, the other 68 bytes to U+0100 upwards in byte order), so a vocabulary holding those
/// 256 characters with id = byte encodes any text to exactly its UTF-8 bytes.
/// </summary>
public static class ByteLevelTokenizerJson
{
    public const string FileName = "tokenizer.json";

    public static void Write(string path)
    {
        var vocabulary = new SortedDictionary<int, string>();
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            vocabulary[b] = ((char)(printable ? b : next++)).ToString();
        }

        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream,
            new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        json.WriteStartArray("added_tokens");
        json.WriteEndArray();
        json.WriteNull("normalizer");
        ByteLevel(json, "pre_tokenizer");
        json.WriteNull("post_processor");
        ByteLevel(json, "decoder");
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteNull("continuing_subword_prefix");
        json.WriteNull("end_of_word_suffix");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", false);
        json.WriteStartObject("vocab");
        foreach (var (id, token) in vocabulary)
        {
            json.WriteNumber(token, id);
        }

        json.WriteEndObject();
        json.WriteStartArray("merges");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void ByteLevel(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }
}
