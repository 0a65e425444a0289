using Gac.Onnx.Exporters;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Positions are computed in the graph, so an export serves its whole context: prefills past the
/// old 4096-row table, decode steps past position 5000, and sliding windows over longer inputs.
/// Expected values come from two properties of the definitions rather than from our reference:
/// RoPE's relative-position property (q_m·k_n depends on m − n only, RoFormer §3.4.2), and
/// sliding-window locality (transformers' masking_utils: query q sees keys q − window + 1 … q).
/// One layer, hidden 8, head_dim 4: fast on CPU at 5000 tokens. θ = 65536 makes the frequencies
/// 1 and 1/256, so position · frequency is exact in float32 and the invariants hold to rounding.
/// </summary>
public sealed class LongContextTests
{
    private const string NarrowLlama = """
        { "model_type": "llama", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
          "num_key_value_heads": 1, "vocab_size": 16, "max_position_embeddings": 8192, "rope_theta": 65536.0 }
        """;

    private const string NarrowMistral = """
        { "model_type": "mistral", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
          "num_key_value_heads": 1, "vocab_size": 16, "max_position_embeddings": 8192, "rope_theta": 65536.0, "sliding_window": 16 }
        """;

    private const int Vocab = 16;
    private const int Window = 16;
    private const float Tolerance = 1e-4f;

    private static readonly CheckpointExportOptions WithPast = new() { PastKeyValues = true };

    [Fact]
    public void A_prefill_of_4200_tokens_runs_and_its_first_rows_equal_a_short_prefill()
    {
        var config = TinyCheckpoints.Config(NarrowLlama);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));
        var ids = TinyCheckpoints.TokenIds(4200, Vocab, seed: 3);

        var logits = LogitsRunner.Run(model, ids, 1, 4200);
        var shortPrefill = LogitsRunner.Run(model, ids[..10], 1, 10);

        Assert.Equal(4200 * Vocab, logits.Length);
        Assert.All(logits, x => Assert.True(float.IsFinite(x)));
        AssertClose("causal prefix", shortPrefill, logits[..(10 * Vocab)]);
    }

    [Fact]
    public void Decoding_at_positions_5000_to_5002_of_an_8192_context_model_matches_one_prefill_of_all_tokens()
    {
        var config = TinyCheckpoints.Config(NarrowLlama);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config), WithPast));
        var ids = TinyCheckpoints.TokenIds(5003, Vocab, seed: 5);

        var full = runner.Run(ids, 1, 5003, past: null);
        var step = runner.Run(ids[..5000], 1, 5000, past: null);
        for (var position = 5000; position < 5003; position++)
        {
            step = runner.Run([ids[position]], 1, 1, step.Presents);
            AssertClose($"position {position}", Row(full.Logits, position), step.Logits);
        }

        Assert.Equal(5003, step.Presents[0].Dimensions[2]);
    }

    [Fact]
    public void With_a_sliding_window_the_last_row_of_a_4200_token_prefill_equals_the_window_alone_at_position_15()
    {
        // Locality: the last query sees only the last 16 tokens. Relative positions: they sit at
        // 4184…4199 here and at 0…15 alone, and RoPE scores depend on differences only.
        var config = TinyCheckpoints.Config(NarrowMistral);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));
        var ids = TinyCheckpoints.TokenIds(4200, Vocab, seed: 7);

        var last = Row(LogitsRunner.Run(model, ids, 1, 4200), 4199);
        var alone = Row(LogitsRunner.Run(model, ids[^Window..], 1, Window), Window - 1);

        AssertClose("window at 4184…4199 vs 0…15", alone, last);
    }

    [Fact]
    public void With_a_sliding_window_decoding_past_position_5000_equals_the_window_alone()
    {
        var config = TinyCheckpoints.Config(NarrowMistral);
        var weights = TinyCheckpoints.Create(config);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, WithPast));
        var ids = TinyCheckpoints.TokenIds(5010, Vocab, seed: 9);

        var step = runner.Run(ids[..(5010 - Window)], 1, 5010 - Window, past: null);
        for (var position = 5010 - Window; position < 5010; position++)
        {
            step = runner.Run([ids[position]], 1, 1, step.Presents);
        }

        var alone = Row(LogitsRunner.Run(CheckpointExporter.BuildInMemory(config, weights), ids[^Window..], 1, Window), Window - 1);
        AssertClose("decode at 5009 vs window alone", alone, step.Logits);
    }

    [Fact]
    public void Without_a_sliding_window_the_far_past_changes_the_last_row()
    {
        // The control for the two tests above: full causal attention sees all 200 tokens, so the
        // window alone gives a different answer and the comparison there can fail.
        var config = TinyCheckpoints.Config(NarrowLlama);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));
        var ids = TinyCheckpoints.TokenIds(200, Vocab, seed: 7);

        var last = Row(LogitsRunner.Run(model, ids, 1, 200), 199);
        var alone = Row(LogitsRunner.Run(model, ids[^Window..], 1, Window), Window - 1);

        Assert.True(last.Zip(alone).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Qwen2_slides_only_from_max_window_layers_on(int maxWindowLayers, bool local)
    {
        var json = $$"""
            { "model_type": "qwen2", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
              "num_key_value_heads": 1, "vocab_size": 16, "max_position_embeddings": 1024, "rope_theta": 65536.0,
              "use_sliding_window": true, "sliding_window": 16, "max_window_layers": {{maxWindowLayers}} }
            """;
        var config = TinyCheckpoints.Config(json);
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));
        var ids = TinyCheckpoints.TokenIds(100, Vocab, seed: 11);

        var last = Row(LogitsRunner.Run(model, ids, 1, 100), 99);
        var alone = Row(LogitsRunner.Run(model, ids[^Window..], 1, Window), Window - 1);

        var difference = last.Zip(alone).Max(p => Math.Abs(p.First - p.Second));
        Assert.Equal(local, difference <= Tolerance);
    }

    [Fact]
    public void Gpt2_serves_exactly_n_positions_tokens_and_fails_clearly_at_the_next()
    {
        // GPT-2's learned table has n_positions (40) rows: position 40 does not exist in the model.
        var config = TinyCheckpoints.Config(TinyCheckpoints.Gpt2);
        var weights = TinyCheckpoints.Create(config);
        var model = CheckpointExporter.BuildInMemory(config, weights);
        var ids = TinyCheckpoints.TokenIds(41, config.VocabSize, seed: 13);

        Assert.Equal(40 * config.VocabSize, LogitsRunner.Run(model, ids[..40], 1, 40).Length);
        var prefill = Assert.Throws<OnnxRuntimeException>(() => LogitsRunner.Run(model, ids, 1, 41));
        Assert.Contains("out of data bounds", prefill.Message, StringComparison.Ordinal);

        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(config, weights, WithPast));
        var step = runner.Run(ids[..40], 1, 40, past: null);
        var decode = Assert.Throws<OnnxRuntimeException>(() => runner.Run([ids[40]], 1, 1, step.Presents));
        Assert.Contains("out of data bounds", decode.Message, StringComparison.Ordinal);
    }

    private static float[] Row(float[] logits, int position) => logits[(position * Vocab)..((position + 1) * Vocab)];

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Select((p, i) => (Diff: Math.Abs(p.First - p.Second), i)).MaxBy(d => d.Diff);
        Assert.True(worst.Diff <= Tolerance, $"{what}: element {worst.i} differs by {worst.Diff:E2} (> {Tolerance:E0})");
    }
}
