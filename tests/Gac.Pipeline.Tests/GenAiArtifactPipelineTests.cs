using System.Text.Json.Nodes;
using Gac.Compression.Checkpoints;
using Gac.Core.Spec;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Tests;

/// <summary>
/// model.attention_mask and export.genai through the whole pipeline: calibration and validation feed
/// the mask and positions, and the accepted artifact lands with genai_config.json and the
/// checkpoint's tokenizer files, committed with it.
/// </summary>
public sealed class GenAiArtifactPipelineTests : IDisposable
{
    private const string Config = """
        { "model_type": "llama", "hidden_size": 64, "intermediate_size": 100, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-genai-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_accepted_artifact_folder_holds_genai_config_and_tokenizer_files_and_a_graph_that_ignores_padding()
    {
        var result = await GacPipeline.RunAsync(GacSpecLoader.Load(WriteSpec()));

        Assert.True(result.Accepted, string.Join("; ", result.Report.Gate.Goals.Select(g => g.Reason)));
        var folder = Path.GetDirectoryName(result.ArtifactPath)!;
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")))!;
        Assert.Equal("model.gac.onnx", (string?)config["model"]!["decoder"]!["filename"]);
        Assert.Equal((7, 7), ((int)config["model"]!["eos_token_id"]!, (int)config["model"]!["pad_token_id"]!));
        Assert.Equal("{\"tokenizer_class\": \"GPT2TokenizerFast\"}", File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")));
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));

        // Beside the prefill of 16 tokens, one decode step at context 15 for each variant, with its tokens/s.
        var decode = Assert.Single(result.Report.Latency, l => l.Phase == Core.Reports.LatencySection.DecodePhase);
        Assert.Equal(("batch=1,past_sequence=15,seq=1", 15, 1), (decode.Bucket, decode.ContextLength, decode.TokensPerStep));
        Assert.Equal(["original", "unaligned", "gac"], decode.Variants.Select(v => v.Variant));
        Assert.All(decode.Variants, v => Assert.Equal(1000.0 / v.P50Ms, decode.TokensPerSecond(v)!.Value, 6));
        Assert.Equal(Core.Reports.LatencySection.PrefillPhase, result.Report.Latency[0].Phase);

        using var session = new InferenceSession(result.ArtifactPath);
        Assert.Equal(["input_ids", "attention_mask", "position_ids"], session.InputMetadata.Keys.Take(3));

        // The compressed artifact: a left-padded row has its logits alone (fp32, tolerance 1e-4).
        long[] ids = [11, 48, 200, 3, 99];
        var alone = Run(session, ids, [1, 1, 1, 1, 1], [0, 1, 2, 3, 4]);
        var padded = Run(session, [0, 0, .. ids], [0, 0, 1, 1, 1, 1, 1], [1, 1, 0, 1, 2, 3, 4]);
        var worst = alone.Zip(padded[(2 * 256)..]).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-4, $"max |Δ| = {worst:E2}");
    }

    [Fact]
    public async Task Without_a_declared_eos_the_run_stops_at_import_with_GAC1701_and_writes_nothing()
    {
        var spec = WriteSpec(generationConfig: null);

        var error = await Assert.ThrowsAsync<Core.Diagnostics.GacException>(() => GacPipeline.RunAsync(GacSpecLoader.Load(spec)));

        Assert.Equal("GAC1701", error.Diagnostics[0].Descriptor.Code);
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")) && Directory.EnumerateFiles(Path.Combine(_folder, "out")).Any());
    }

    private static float[] Run(InferenceSession session, long[] ids, long[] mask, long[] positions)
    {
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [1, ids.Length])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, [1, mask.Length])),
            NamedOnnxValue.CreateFromTensor("position_ids", new DenseTensor<long>(positions, [1, positions.Length])),
        };
        inputs.AddRange(session.InputMetadata.Keys.Skip(3).Select(name => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(Array.Empty<float>(), [1,
            2, 0,
            16]))));
        using var results = session.Run(inputs);
        return results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
    }

    private string WriteSpec(string? generationConfig = """{ "eos_token_id": 7 }""")
    {
        var checkpoint = Path.Combine(_folder, "tiny-llama");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), Config);
        if (generationConfig is not null)
        {
            File.WriteAllText(Path.Combine(checkpoint, "generation_config.json"), generationConfig);
        }

        File.WriteAllText(Path.Combine(checkpoint, "tokenizer.json"), "{}");
        File.WriteAllText(Path.Combine(checkpoint, "tokenizer_config.json"), "{\"tokenizer_class\": \"GPT2TokenizerFast\"}");
        var random = new Random(5);
        SafetensorsWriter.Write(Path.Combine(checkpoint, SafetensorsCheckpoint.SingleFileName), GeneratedCheckpoint.Tensors(Config, random));
        File.WriteAllText(Path.Combine(_folder, "text.tokens"), string.Join(' ', Enumerable.Range(0, 200).Select(_ => random.Next(256))));
        var specPath = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(specPath, """
            version: 1
            model:
              path: tiny-llama
              past_kv: true
              attention_mask: true
            calibration:
              samples: 2
              tokens: text.tokens
              dims: { batch: 1, seq: 16 }
            compress:
              method: asvd
              ratio: 0.3
            export:
              path: out/model.gac.onnx
              genai: true
            validation:
              provider: cpu
              warmup: 1
              iterations: 3
              heldout_samples: 2
            gate:
              min_cosine: 0.5
            """);
        return specPath;
    }
}
