using System.Text.Json.Nodes;

namespace Gac.Examples.TrainLm;

/// <summary>
/// The two files a generation server reads beside the weights: tokenizer_config.json (which
/// tokenizer class reads tokenizer.json: GPT-2's byte-level BPE, no BOS/EOS added) and
/// generation_config.json. The model has no end-of-text token; it declares byte 0 (NUL), which
/// text never contains, as eos and pad, so generation runs to its length limit and padded slots
/// hold a valid id. Without a declared eos, ONNX Runtime GenAI would pick one silently.
/// </summary>
public static class GenerationFiles
{
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string GenerationConfigFile = "generation_config.json";

    /// <summary>NUL: absent from any text, so never generated as the end of one.</summary>
    public const int EndOfTextId = 0;

    public static void Write(string folder, int contextLength)
    {
        var tokenizer = new JsonObject
        {
            ["tokenizer_class"] = "GPT2TokenizerFast",
            ["add_bos_token"] = false,
            ["add_eos_token"] = false,
            ["model_max_length"] = contextLength,
            ["clean_up_tokenization_spaces"] = false,
        };
        var generation = new JsonObject { ["eos_token_id"] = EndOfTextId, ["pad_token_id"] = EndOfTextId };
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(folder, TokenizerConfigFile), tokenizer.ToJsonString(options) + "\n");
        File.WriteAllText(Path.Combine(folder, GenerationConfigFile), generation.ToJsonString(options) + "\n");
    }
}
