using Gac.Core.Model;
using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Exports with <see cref="CheckpointExportOptions.AttentionMask"/>, held to what the inputs mean in
/// Hugging Face transformers and ONNX Runtime GenAI rather than to another run of our own graph:
/// padding is invisible. A row of a padded batch — padded on the left with position_ids =
/// cumsum(mask) − 1 (transformers' generate), or on the right as GenAI's batch API pads — has on its
/// real tokens the logits the sequence has alone, in the prefill and in a decode step that reads the
/// padded cache.
/// </summary>
public sealed class AttentionMaskTests
{
    /// <summary>
    /// fp32 logits (|x| up to ~10): the padded row's softmax runs over more keys, the padded ones
    /// contributing exactly 0 (exp of float32's lowest value underflows), in another summation order;
    /// measured differences are around 1e-6.
    /// </summary>
    private const float Tolerance = 1e-4f;

    private const int Pad = 0;

    /// <summary>Mistral with a 3-token sliding window: the window is counted in cache slots, padding or not.</summary>
    private const string MistralSliding = """
        { "model_type": "mistral", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64,
          "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false, "sliding_window": 3 }
        """;

    private static readonly CheckpointExportOptions Generation = new() { PastKeyValues = true, AttentionMask = true };

    public static TheoryData<string, string> Families()
    {
        var all = TinyCheckpoints.All;
        all.Add("mistral-sliding", MistralSliding);
        return all;
    }

    [Fact]
    public void The_mask_covers_cached_and_new_tokens_and_the_positions_the_new_ones()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);

        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), Generation);
        var prefillOnly = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), new CheckpointExportOptions { AttentionMask = true });

        Assert.Equal(
            ["input_ids", "attention_mask", "position_ids", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key",
                "past_key_values.1.value"],
            model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["batch", "past_sequence + seq"], Dims(model.Graph.Input[1]));
        Assert.Equal(["batch", "seq"], Dims(model.Graph.Input[2]));
        Assert.Equal(["batch", "seq"], Dims(prefillOnly.Graph.Input[1]));
        Assert.All(model.Graph.Input.Take(3), i => Assert.Equal((int)OnnxDataType.Int64, i.Type.TensorType.ElemType));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void With_no_padding_and_column_positions_the_logits_are_those_of_the_export_without_a_mask(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        var weights = TinyCheckpoints.Create(config);
        var ids = TinyCheckpoints.TokenIds(2 * 6, config.VocabSize, seed: 23);
        using var plain = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, new CheckpointExportOptions { PastKeyValues = true }));
        using var masked = new MaskedRunner(CheckpointExporter.BuildInMemory(config, weights, Generation));

        var expected = plain.Run(ids, 2, 6, past: null);
        var actual = masked.Run(ids, Ones(2 * 6), [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], 2, past: null);

        AssertClose(name, expected.Logits, actual.Logits);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_left_padded_batch_gives_each_sequence_its_own_logits_in_prefill_and_decode(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        using var runner = new MaskedRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), Generation));
        var (a, b, next) = Sequences(config.VocabSize);

        // transformers' generate: position_ids = cumsum(mask) − 1, padded slots set to 1.
        long[] ids = [.. a, Pad, Pad, Pad, .. b];
        long[] mask = [.. Ones(7), 0, 0, 0, 1, 1, 1, 1];
        var prefill = runner.Run(ids, mask, [0, 1, 2, 3, 4, 5, 6, 1, 1, 1, 0, 1, 2, 3], 2, past: null);
        var step = runner.Run(next, [.. Ones(8), 0, 0, 0, 1, 1, 1, 1, 1], [7, 4], 2, prefill.Presents);

        AssertEachRowAsAlone(name, runner, config.VocabSize, a, b, next, prefill, step, rowBOffset: 3);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_right_padded_batch_as_GenAI_pads_gives_each_sequence_its_own_logits_in_prefill_and_decode(string name, string json)
    {
        var config = TinyCheckpoints.Config(json);
        using var runner = new MaskedRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), Generation));
        var (a, b, next) = Sequences(config.VocabSize);

        // The pads stay in the cache behind a 0 in the mask; the new token is in the next slot, at its row's own position.
        long[] ids = [.. a, .. b, Pad, Pad, Pad];
        long[] mask = [.. Ones(7), 1, 1, 1, 1, 0, 0, 0];
        var prefill = runner.Run(ids, mask, [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 3, 3, 3], 2, past: null);
        var step = runner.Run(next, [.. Ones(8), 1, 1, 1, 1, 0, 0, 0, 1], [7, 4], 2, prefill.Presents);

        AssertEachRowAsAlone(name, runner, config.VocabSize, a, b, next, prefill, step, rowBOffset: 0);
    }

    [Theory]
    [InlineData(TinyCheckpoints.LlamaGqa)]
    [InlineData(TinyCheckpoints.Gpt2)]
    public void Positions_follow_position_ids_not_the_column_a_right_padded_row_decodes_in(string json)
    {
        // RoPE sees only differences of positions, so a shift of all of them changes nothing; the
        // decode step after right padding is where the column (7) and the row's own length (4) part.
        var config = TinyCheckpoints.Config(json);
        using var runner = new MaskedRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), Generation));
        var (_, b, next) = Sequences(config.VocabSize);
        var prefill = runner.Run([.. b, Pad, Pad, Pad], [1, 1, 1, 1, 0, 0, 0], [0, 1, 2, 3, 3, 3, 3], 1, past: null);
        long[] mask = [1, 1, 1, 1, 0, 0, 0, 1];

        var byLength = runner.Run([next[1]], mask, [4], 1, prefill.Presents).Logits;
        var byColumn = runner.Run([next[1]], mask, [7], 1, prefill.Presents).Logits;

        var difference = byLength.Zip(byColumn).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(difference > 1e-2, $"the position the graph is given changes the logits (max |Δ| = {difference})");
    }

    [Fact]
    public void A_prefill_only_export_with_a_mask_ignores_padding_too()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen2);
        using var runner = new MaskedRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config),
            new CheckpointExportOptions { AttentionMask = true }));
        var (_, b, _) = Sequences(config.VocabSize);

        var alone = runner.Run(b, Ones(4), [0, 1, 2, 3], 1, past: null).Logits;
        var padded = runner.Run([Pad, Pad, .. b], [0, 0, 1, 1, 1, 1], [1, 1, 0, 1, 2, 3], 1, past: null).Logits;

        AssertClose("qwen2 prefill-only", alone, padded[(2 * config.VocabSize)..]);
    }

    /// <summary>Sequence a (7 tokens), sequence b (4 tokens) and the next token of each.</summary>
    private static (long[] A, long[] B, long[] Next) Sequences(int vocab)
    {
        // Ids from 1: the pad id 0 never appears as a real token, so a leak of it would show.
        var ids = TinyCheckpoints.TokenIds(13, vocab - 1, seed: 29).Select(i => i + 1).ToArray();
        return (ids[..7], ids[7..11], ids[11..13]);
    }

    /// <summary>
    /// Row 0 (a, unpadded) and row 1 (b, starting at <paramref name="rowBOffset"/>) of a padded prefill
    /// and its decode step, against a and b run alone (batch 1, no padding, positions 0 …).
    /// </summary>
    private static void AssertEachRowAsAlone(string name, MaskedRunner runner, int vocab, long[] a, long[] b, long[] next, DecodeStep prefill, DecodeStep step,
        int rowBOffset)
    {
        var aPrefill = runner.Run(a, Ones(7), [0, 1, 2, 3, 4, 5, 6], 1, past: null);
        var aStep = runner.Run([next[0]], Ones(8), [7], 1, aPrefill.Presents);
        var bPrefill = runner.Run(b, Ones(4), [0, 1, 2, 3], 1, past: null);
        var bStep = runner.Run([next[1]], Ones(5), [4], 1, bPrefill.Presents);

        Assert.All(prefill.Logits.Concat(step.Logits), x => Assert.True(float.IsFinite(x), $"{name}: padded rows stay finite"));
        AssertClose($"{name} prefill a", aPrefill.Logits, prefill.Logits[..(7 * vocab)]);
        AssertClose($"{name} prefill b", bPrefill.Logits, prefill.Logits.AsSpan((7 + rowBOffset) * vocab, 4 * vocab).ToArray());
        AssertClose($"{name} decode a", aStep.Logits, step.Logits[..vocab]);
        AssertClose($"{name} decode b", bStep.Logits, step.Logits[vocab..]);
    }

    private static long[] Ones(int count) => Enumerable.Repeat(1L, count).ToArray();

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Select((p, i) => (Diff: Math.Abs(p.First - p.Second), i)).MaxBy(d => d.Diff);
        Assert.True(worst.Diff <= Tolerance, $"{what}: element {worst.i} differs by {worst.Diff:E2} (> {Tolerance:E0})");
    }

    private static string[] Dims(ValueInfoProto value)
        => value.Type.TensorType.Shape.Dim.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString(
            System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
