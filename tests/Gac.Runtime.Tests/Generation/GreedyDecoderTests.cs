using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Exporters;
using Gac.Runtime.Generation;
using Gac.Runtime.Tests.Fixtures;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Runtime.Tests.Generation;

/// <summary>
/// Greedy decoding through the k/v cache against greedy search's definition: each next token is the
/// argmax of the last logits of one prefill over everything so far (no cache at all).
/// </summary>
public sealed class GreedyDecoderTests
{
    private const string Config = """
        { "model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 40, "max_position_embeddings": 64 }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_token_is_the_argmax_of_a_prefill_over_the_whole_sequence_so_far(bool attentionMask)
    {
        var config = TransformerConfigReader.Parse(Config);
        var weights = Weights(config);
        using var cached = new InferenceSession(CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { PastKeyValues = true, AttentionMask = attentionMask }).ToByteArray());
        using var plain = new InferenceSession(CheckpointExporter.BuildInMemory(config, weights).ToByteArray());
        long[] prompt = [3, 17, 5];

        var generated = new GreedyDecoder(cached).Generate(prompt, maxLength: 12, endTokens: []);

        var sequence = prompt.ToList();
        while (sequence.Count < 12)
        {
            using var results = plain.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(sequence.ToArray(), [1, sequence.Count]))]);
            var logits = results[0].AsTensor<float>().ToArray()[^config.VocabSize..];
            sequence.Add(Array.IndexOf(logits, logits.Max()));
        }

        Assert.Equal(sequence.Skip(prompt.Length), generated);
    }

    [Fact]
    public void Generation_stops_after_an_end_token_which_it_keeps()
    {
        var config = TransformerConfigReader.Parse(Config);
        using var session = new InferenceSession(CheckpointExporter.BuildInMemory(config, Weights(config), new CheckpointExportOptions { PastKeyValues = true }).ToByteArray());
        var decoder = new GreedyDecoder(session);
        var free = decoder.Generate([3, 17, 5], maxLength: 12, endTokens: []);

        var stopped = decoder.Generate([3, 17, 5], maxLength: 12, endTokens: [free[2]]);

        Assert.Equal(free.Take(free.ToList().IndexOf(free[2]) + 1), stopped);
    }

    [Fact]
    public void A_model_without_a_cache_is_GAC4050()
    {
        using var session = new InferenceSession(TinyOnnx.BigramLm(8, TinyOnnx.Weights(64, seed: 1)));

        var error = Assert.Throws<GacException>(() => new GreedyDecoder(session));

        Assert.Equal("GAC4050", error.Diagnostics[0].Descriptor.Code);
    }

    private static MemoryCheckpoint Weights(TransformerConfig config)
    {
        var random = new Random(3);
        return new MemoryCheckpoint(CheckpointLayout.Tensors(config).ToDictionary(
            t => t.Name,
            t => (t.Shape, Enumerable.Range(0, (int)t.Shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() - 0.5) * 0.6f).ToArray()),
            StringComparer.Ordinal));
    }

    private sealed class MemoryCheckpoint(Dictionary<string, (long[] Shape, float[] Values)> tensors) : ICheckpointTensors
    {
        public string Source => "memory";

        public bool Contains(string name) => tensors.ContainsKey(name);

        public IReadOnlyList<long> Shape(string name) => tensors[name].Shape;

        public float[] ReadFloat32(string name) => (float[])tensors[name].Values.Clone();
    }
}
