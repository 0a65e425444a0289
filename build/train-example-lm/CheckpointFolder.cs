using System.Text;
using Gac.Compression.Checkpoints;
using TorchSharp;

namespace Gac.Examples.TrainLm;

/// <summary>Writes the Hugging Face-style checkpoint folder: config.json, model.safetensors, tokenizer.json, tokenizer_config.json, generation_config.json, two token files and the held-out text.</summary>
public static class CheckpointFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string HeldOutTokensFile = "heldout.tokens";
    public const string CalibrationTokensFile = "calib.tokens";
    public const string ReadmeFile = "README.md";
    public const string HeldOutTextFile = "heldout.txt";

    public static void Write(string folder, LlamaWeights weights, FortuneCorpus corpus, int tokenFileLength)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ConfigFile), weights.Config.ToHuggingFaceJson());
        var tensors = weights.ByName
            .Select(p => new SafetensorsTensor(p.Key, p.Value.shape, p.Value.detach().contiguous().data<float>().ToArray()))
            .ToList();
        // transformers' from_pretrained refuses a safetensors file without "__metadata__": {"format": "pt"}.
        SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var context = weights.Config.MaxPositionEmbeddings;
        WriteTokens(Path.Combine(folder, HeldOutTokensFile), corpus.HeldOut, tokenFileLength, context);
        WriteTokens(Path.Combine(folder, CalibrationTokensFile), corpus.Train, tokenFileLength, context);
        ByteLevelTokenizerJson.Write(Path.Combine(folder, ByteLevelTokenizerJson.FileName));
        GenerationFiles.Write(folder, context);
        File.WriteAllText(Path.Combine(folder, HeldOutTextFile), Encoding.UTF8.GetString(corpus.HeldOut, 0, Math.Min(tokenFileLength, corpus.HeldOut.Length)));
    }

    /// <summary>
    /// The pipeline's token-file format: whitespace-separated non-negative ids. One context window per
    /// line keeps the file readable; the reader ignores line breaks. Byte-level: id = byte value.
    /// </summary>
    private static void WriteTokens(string path, byte[] tokens, int length, int perLine)
    {
        var text = new StringBuilder();
        var count = Math.Min(length, tokens.Length);
        for (var i = 0; i < count; i++)
        {
            text.Append(tokens[i]);
            text.Append((i + 1) % perLine == 0 || i + 1 == count ? '\n' : ' ');
        }
        File.WriteAllText(path, text.ToString());
    }
}
