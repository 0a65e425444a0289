using Gac.Core.Spec;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Pipeline.Tests;

/// <summary>model.past_kv: true through the whole pipeline: the accepted artifact is a decode-ready graph.</summary>
public sealed class PastKeyValuesPipelineTests : IDisposable
{
    // Vocabulary 256 so the generated and the file's token ids are all valid.
    private const string Config = """
        { "model_type": "llama", "hidden_size": 64, "intermediate_size": 100, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256, "max_position_embeddings": 64 }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-past-kv-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_past_kv_spec_calibrates_and_validates_with_an_empty_cache_and_publishes_a_graph_that_decodes_like_it_prefills()
    {
        var result = await GacPipeline.RunAsync(GacSpecLoader.Load(WriteSpec()));

        Assert.True(result.Accepted, string.Join("; ", result.Report.Gate.Goals.Select(g => g.Reason)));
        // Perplexity came from the logits of held-out token windows fed with an empty past.
        var fidelity = result.Report.Fidelity!;
        Assert.NotNull(fidelity.PerplexityOriginal);
        Assert.InRange(fidelity.PerplexityCandidate!.Value, 1.0, 1000.0);
        Assert.True(fidelity.RelativeL2Error > 0, "ASVD changed the logits");
        Assert.Equal(100, result.Report.Plan!.AlignedPercentAfter);

        using var session = new InferenceSession(result.ArtifactPath);
        Assert.Equal(
            ["input_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            session.InputMetadata.Keys);
        Assert.Equal("logits", session.OutputNames[0]);

        // The compressed artifact: prefill of 8 tokens then 4 decode steps equals one prefill of 12
        // (fp32, same weights, different summation order: differences ~1e-6, tolerance 1e-4).
        var ids = Enumerable.Range(0, 12).Select(i => (long)((i * 37) + 11) % 256).ToArray();
        var (full, _) = Run(session, ids, null);
        var (logits, past) = Run(session, ids[..8], null);
        AssertClose(full[..(8 * 256)], logits);
        for (var t = 8; t < 12; t++)
        {
            (logits, past) = Run(session, [ids[t]], past);
            AssertClose(full[(t * 256)..((t + 1) * 256)], logits);
        }

        Assert.All(past, p => Assert.Equal([1, 2, 12, 16], p.Dimensions.ToArray()));
    }

    private static (float[] Logits, List<DenseTensor<float>> Presents) Run(InferenceSession session, long[] ids, List<DenseTensor<float>>? past)
    {
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [1, ids.Length])) };
        var names = session.InputMetadata.Keys.Skip(1).ToList();
        inputs.AddRange(names.Select((name, i) => NamedOnnxValue.CreateFromTensor(name, past?[i] ?? new DenseTensor<float>(Array.Empty<float>(), [1, 2, 0,
            16]))));
        using var results = session.Run(inputs);
        var presents = session.OutputNames.Skip(1).Select(n => (DenseTensor<float>)results.Single(r => r.Name == n).AsTensor<float>().Clone()).ToList();
        return (results.Single(r => r.Name == "logits").AsTensor<float>().ToArray(), presents);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-4, $"max |Δ| = {worst:E2}");
    }

    private string WriteSpec()
    {
        var checkpoint = Path.Combine(_folder, "tiny-llama");
        var random = new Random(5);
        GeneratedCheckpoint.Write(checkpoint, Config, random);
        File.WriteAllText(Path.Combine(_folder, "text.tokens"), string.Join(' ', Enumerable.Range(0, 200).Select(_ => random.Next(256))));
        var specPath = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(specPath, """
            version: 1
            model:
              path: tiny-llama
              past_kv: true
            calibration:
              samples: 2
              tokens: text.tokens
              dims: { batch: 1, seq: 16 }
            compress:
              method: asvd
              ratio: 0.3
            export:
              path: out/model.gac.onnx
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
