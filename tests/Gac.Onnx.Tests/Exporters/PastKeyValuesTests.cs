using Gac.Onnx.Discovery;
using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Tests.Rewrites;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Exports with <see cref="CheckpointExportOptions.PastKeyValues"/>: one graph for prefill (empty
/// past) and decode (one new token, past fed back), equal to the prefill-only export.
/// </summary>
public sealed class PastKeyValuesTests
{
    /// <summary>
    /// fp32 logits (|x| up to ~10) from the same weights in a different summation order: a decode
    /// step's softmax runs over past + 1 keys instead of a masked row of the full square; measured
    /// differences are around 1e-6.
    /// </summary>
    private const float Tolerance = 1e-4f;

    private static readonly CheckpointExportOptions WithPast = new() { PastKeyValues = true };

    [Fact]
    public void Without_the_option_the_graph_is_the_prefill_only_graph_byte_for_byte()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        var weights = TinyCheckpoints.Create(config);

        var plain = CheckpointExporter.BuildInMemory(config, weights).ToByteArray();
        var off = CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { PastKeyValues = false }).ToByteArray();

        Assert.Equal(plain, off);
        Assert.DoesNotContain(CheckpointExporter.BuildInMemory(config, weights).Graph.Input, i => i.Name.StartsWith("past_", StringComparison.Ordinal));
    }

    [Fact]
    public void Past_inputs_and_present_outputs_use_the_Optimum_names_with_kv_heads_not_repeated()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), WithPast);

        Assert.Equal(
            ["input_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(["batch", "2", "past_sequence", "8"], Dims(model.Graph.Input[1]));
        Assert.Equal(["batch", "2", "past_sequence + seq", "8"], Dims(model.Graph.Output[4]));
    }

    [Theory]
    [MemberData(nameof(TinyCheckpoints.All), MemberType = typeof(TinyCheckpoints))]
    public void A_prefill_with_an_empty_past_gives_the_prefill_only_logits_and_presents_of_the_prompt(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        var weights = TinyCheckpoints.Create(config);
        var ids = TinyCheckpoints.TokenIds(2 * 7, config.VocabSize, seed: 11);
        var expected = RunPrefillOnly(CheckpointExporter.BuildInMemory(config, weights), ids, 2, 7);

        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, WithPast));
        var step = runner.Run(ids, 2, 7, past: null);

        AssertClose(name, expected, step.Logits);
        Assert.Equal(2 * config.Layers, step.Presents.Count);
        Assert.All(step.Presents, p => Assert.Equal([2, config.KvHeads, 7, config.HeadDim], p.Dimensions.ToArray()));
    }

    [Theory]
    [MemberData(nameof(TinyCheckpoints.All), MemberType = typeof(TinyCheckpoints))]
    public void Decoding_token_by_token_after_a_prefill_matches_one_prefill_of_all_tokens(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), WithPast));

        AssertDecodeMatchesPrefill(name, runner, config.VocabSize, seed: 13);
    }

    [Fact]
    public void Discovery_finds_the_same_layers_and_groups_with_and_without_the_cache()
    {
        foreach (var json in new[] { TinyCheckpoints.LlamaGqa, TinyCheckpoints.LlamaTied, TinyCheckpoints.Gpt2 })
        {
            var config = TinyCheckpoints.Config(json);
            var weights = TinyCheckpoints.Create(config);

            var plain = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(config, weights));
            var cached = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(config, weights, WithPast));

            Assert.Equal(plain.Layers.Select(l => (l.Name, l.InFeatures, l.OutFeatures, l.Role, l.Group)), cached.Layers.Select(l => (l.Name, l.InFeatures,
                l.OutFeatures, l.Role, l.Group)));
            Assert.Equal(
                plain.Groups.Select(g => (g.Name, g.Kind, g.CoupledWidth, g.HeadCount, g.HeadDim)),
                cached.Groups.Select(g => (g.Name, g.Kind, g.CoupledWidth, g.HeadCount, g.HeadDim)));
        }
    }

    [Theory]
    [InlineData(TinyCheckpoints.LlamaGqa)]
    [InlineData(TinyCheckpoints.Gpt2)]
    public void After_the_low_rank_rewrite_decoding_still_matches_prefill(string json)
    {
        var config = TinyCheckpoints.Config(json);
        var weights = TinyCheckpoints.Create(config);
        var exported = OnnxModelFile.FromModel(CheckpointExporter.BuildInMemory(config, weights, WithPast), "decode.onnx");
        var layers = LinearLayerDiscovery.Discover(exported).Layers;

        var rewritten = LowRankRewrite.Apply(exported, HalfRankFactors(exported, layers));

        Assert.Equal(2 * layers.Count, LinearLayerDiscovery.Discover(rewritten).Layers.Count);
        Assert.Equal(exported.Model.Graph.Input.Select(i => i.Name), rewritten.Graph.Input.Select(i => i.Name));
        using var original = new DecodeRunner(exported.Model);
        using var compressed = new DecodeRunner(rewritten);
        var ids = TinyCheckpoints.TokenIds(6, config.VocabSize, seed: 17);
        var difference = original.Run(ids, 1, 6, null).Logits.Zip(compressed.Run(ids, 1, 6, null).Logits).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(difference > 0.01, $"half-rank factors change the model (max |Δ| = {difference})");
        AssertDecodeMatchesPrefill(config.ModelType + "+low-rank", compressed, config.VocabSize, seed: 19);
    }

    /// <summary>
    /// Batch 2, 9 tokens: one prefill of all 9, versus a prefill of the first 4 followed by 5 decode
    /// steps of one token each, every step fed the previous presents. Logits of every position and
    /// the final presents agree.
    /// </summary>
    private static void AssertDecodeMatchesPrefill(string name, DecodeRunner runner, int vocab, int seed)
    {
        const int Batch = 2, Total = 9, Prompt = 4;
        var ids = TinyCheckpoints.TokenIds(Batch * Total, vocab, seed);
        var full = runner.Run(ids, Batch, Total, past: null);

        var step = runner.Run(Columns(ids, Batch, Total, 0, Prompt), Batch, Prompt, past: null);
        AssertClose($"{name} prompt", Positions(full.Logits, Batch, Total, vocab, 0, Prompt), step.Logits);
        for (var t = Prompt; t < Total; t++)
        {
            step = runner.Run(Columns(ids, Batch, Total, t, 1), Batch, 1, step.Presents);
            AssertClose($"{name} position {t}", Positions(full.Logits, Batch, Total, vocab, t, 1), step.Logits);
        }

        for (var i = 0; i < full.Presents.Count; i++)
        {
            Assert.Equal(full.Presents[i].Dimensions.ToArray(), step.Presents[i].Dimensions.ToArray());
            AssertClose($"{name} present {i}", full.Presents[i].ToArray(), step.Presents[i].ToArray());
        }
    }

    /// <summary>
    /// Each layer's exact factorization (orthogonal Q, so neither factor is trivial) cut to half its
    /// rank: a lossy rank-r model of the kind ASVD produces, not an identity rewrite.
    /// </summary>
    private static List<LowRankFactors> HalfRankFactors(OnnxModelFile model, IEnumerable<Core.Model.LinearLayer> layers)
    {
        var reader = new LinearWeightReader(model);
        return layers.Select((layer, i) =>
        {
            var (rank, a, b) = Factorizations.Exact(reader.Weight(layer), layer.InFeatures, layer.OutFeatures, seed: 200 + i);
            var r = Math.Max(1, rank / 2);
            var keptA = new float[layer.InFeatures * r];
            for (long row = 0; row < layer.InFeatures; row++)
            {
                Array.Copy(a, row * rank, keptA, row * r, r);
            }

            return new LowRankFactors(layer.Name, r, keptA, b[..(int)(r * layer.OutFeatures)]);
        }).ToList();
    }

    private static float[] RunPrefillOnly(ModelProto model, long[] ids, int batch, int sequence)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model.ToByteArray());
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [batch,
            sequence]))]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>ids[:, start : start + count] of a [batch, total] row-major array.</summary>
    private static long[] Columns(long[] ids, int batch, int total, int start, int count)
        => Enumerable.Range(0, batch).SelectMany(b => ids.Skip((b * total) + start).Take(count)).ToArray();

    /// <summary>logits[:, start : start + count, :] of [batch, total, vocab].</summary>
    private static float[] Positions(float[] logits, int batch, int total, int vocab, int start, int count)
        => Enumerable.Range(0, batch).SelectMany(b => logits.Skip(((b * total) + start) * vocab).Take(count * vocab)).ToArray();

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Select((p, i) => (Diff: Math.Abs(p.First - p.Second), i)).MaxBy(d => d.Diff);
        Assert.True(worst.Diff <= Tolerance, $"{what}: element {worst.i} differs by {worst.Diff:E2} (> {Tolerance:E0})");
    }

    private static string[] Dims(ValueInfoProto value)
        => value.Type.TensorType.Shape.Dim.Select(d => d.DimParam is { Length: > 0 } p ? p
            : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
