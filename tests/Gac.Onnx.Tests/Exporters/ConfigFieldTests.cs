using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Exporters;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// One case per row of src/Gac.Core/Model/Architectures/CONFIG-FIELDS.md: each field that changes
/// the forward pass is read as transformers reads it, or refused with a code naming it.
/// </summary>
public sealed class ConfigFieldTests
{
    private const string Base = """
        "hidden_size": 32, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 20
        """;

    [Fact]
    public void The_transformers_5_rope_parameters_form_reads_like_the_4_x_form()
    {
        var v4 = Parse("llama", """ "rope_theta": 500000.0, "max_position_embeddings": 256, "rope_scaling": { "rope_type": "llama3", "factor": 8.0,""" +
            """ "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64 } """);
        var v5 = Parse("llama", """ "max_position_embeddings": 256, "rope_parameters": { "rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,""" +
            """ "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64 } """);

        Assert.Equal(500000.0, v5.RopeTheta);
        Assert.Equal(v4.RopeScaling, v5.RopeScaling);
        Assert.Equal(v4, v5);
        var ids = TinyCheckpoints.TokenIds(6, 20, seed: 1);
        var weights = TinyCheckpoints.Create(v4);
        Assert.Equal(LogitsRunner.Run(CheckpointExporter.BuildInMemory(v4, weights), ids, 1, 6), LogitsRunner.Run(CheckpointExporter.BuildInMemory(v5, weights),
            ids, 1, 6));
    }

    [Fact]
    public void Rope_theta_inside_rope_parameters_changes_the_logits()
    {
        // The defect this guards: a 5.x config exported with θ = 10000 instead of its own.
        var own = Parse("llama", """ "rope_parameters": { "rope_type": "default", "rope_theta": 500000.0 } """);
        var fallback = Parse("llama", "");
        var weights = TinyCheckpoints.Create(own);
        var ids = TinyCheckpoints.TokenIds(8, 20, seed: 2);

        var a = LogitsRunner.Run(CheckpointExporter.BuildInMemory(own, weights), ids, 1, 8);
        var b = LogitsRunner.Run(CheckpointExporter.BuildInMemory(fallback, weights), ids, 1, 8);

        Assert.Equal((500000.0, 10000.0), (own.RopeTheta, fallback.RopeTheta));
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Fact]
    public void An_explicit_head_dim_other_than_hidden_over_heads_sets_the_projection_widths()
    {
        var config = Parse("llama", """ "head_dim": 16, "num_key_value_heads": 2 """);
        var logits = LogitsRunner.Run(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config)), TinyCheckpoints.TokenIds(5, 20, 3), 1, 5);

        Assert.Equal((16, 64, 32), (config.HeadDim, config.QueryWidth, config.KeyValueWidth));
        Assert.Equal(5 * 20, logits.Length);
    }

    [Fact]
    public void Yarn_frequencies_and_attention_factor_match_a_hand_computation()
    {
        // head_dim 8, θ = 10000, factor 4, original context 16, β_fast 32, β_slow 1:
        // correction dims 8·ln(16/(32·2π))/(2·ln 10⁴) = −1.10 → floor → 0 and 8·ln(16/2π)/(2·ln 10⁴) = 0.41 → ceil → 1,
        // so the ramp over i = 0…3 is 0, 1, 1, 1: i = 0 keeps 1/θ⁰, the others are divided by 4.
        // attention factor 0.1·ln 4 + 1.
        var config = Parse("llama", """ "max_position_embeddings": 64, "rope_parameters": { "rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0,""" +
            """ "original_max_position_embeddings": 16 } """);

        var frequencies = config.RopeScaling.InverseFrequencies(8, 10000);

        Assert.Equal([1.0, 0.1 / 4, 0.01 / 4, 0.001 / 4], frequencies.Select(f => Math.Round(f, 12)));
        Assert.Equal(1 + (0.1 * Math.Log(4)), config.RopeScaling.AttentionFactor, 12);
        var tables = RotaryTables.Create(config, [0]);
        Assert.Equal((float)(1 + (0.1 * Math.Log(4))), tables.Cos[0], 6);
    }

    [Fact]
    public void Yarn_mscale_and_mscale_all_dim_give_their_ratio_as_attention_factor()
    {
        var config = Parse("llama", """ "max_position_embeddings": 64, "rope_scaling": { "type": "yarn", "factor": 4.0, "mscale": 2.0,""" +
            """ "mscale_all_dim": 1.0 } """);

        Assert.Equal((1 + (0.2 * Math.Log(4))) / (1 + (0.1 * Math.Log(4))), config.RopeScaling.AttentionFactor, 12);
        Assert.Equal(64, config.RopeScaling.OriginalMaxPositions);
    }

    [Fact]
    public void LongRope_frequencies_attention_factor_and_the_switch_to_long_factors_follow_the_definition()
    {
        // θ = 10000, head_dim 8: base frequencies 1, 0.1, 0.01, 0.001, each divided by its factor.
        // Context 64 over an original 16: s = 4, attention factor √(1 + ln 4 / ln 16) = √1.5.
        var config = Parse("llama", """ "max_position_embeddings": 64, "original_max_position_embeddings": 16, "rope_scaling": { "type": "longrope",""" +
            """ "short_factor": [1, 2, 4, 8], "long_factor": [2, 4, 8, 16] } """);

        Assert.Equal([1.0, 0.05, 0.0025, 0.000125], config.RopeScaling.InverseFrequencies(8, 10000).Select(f => Math.Round(f, 12)));
        Assert.Equal([0.5, 0.025, 0.00125, 0.0000625], config.RopeScaling.InverseFrequencies(8, 10000, longContext: true).Select(f => Math.Round(f, 12)));
        Assert.Equal(Math.Sqrt(1.5), config.RopeScaling.AttentionFactor, 12);

        // transformers picks the factors per call from max(position_ids) + 1: a 16-token prefill uses
        // the short ones, a 17-token prefill the long ones for every position, so its first 16 rows differ.
        var model = CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config));
        var ids = TinyCheckpoints.TokenIds(17, 20, seed: 6);
        var sixteen = LogitsRunner.Run(model, ids[..16], 1, 16);
        var seventeen = LogitsRunner.Run(model, ids, 1, 17)[..(16 * 20)];
        var fifteen = LogitsRunner.Run(model, ids[..15], 1, 15);
        Assert.True(sixteen.Zip(seventeen).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.True(fifteen.Zip(sixteen).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
    }

    [Theory]
    [InlineData("llama", """ "max_position_embeddings": 64, "original_max_position_embeddings": 16, "rope_scaling": { "type": "longrope", "factor": 2.0,""" +
        """ "short_factor": [1, 1, 1, 1], "long_factor": [1, 1, 1, 1] } """, "GAC1221", "factor")]
    [InlineData("llama", """ "original_max_position_embeddings": 16, "rope_parameters": { "rope_type": "longrope", "original_max_position_embeddings": 8,""" +
        """ "short_factor": [1, 1, 1, 1], "long_factor": [1, 1, 1, 1] } """, "GAC1221", "original_max_position_embeddings")]
    [InlineData("llama", """ "rope_scaling": { "type": "longrope", "short_factor": [1, 1], "long_factor": [1, 1, 1, 1] } """, "GAC1208", "short_factor")]
    [InlineData("llama", """ "max_position_embeddings": 64, "rope_parameters": { "rope_type": "yarn", "factor": 8.0,""" +
        """ "original_max_position_embeddings": 16 } """, "GAC1221", "factor")]
    [InlineData("llama", """ "rope_scaling": { "rope_type": "dynamic", "factor": 2.0 } """, "GAC1221", "dynamic")]
    [InlineData("llama", """ "rope_scaling": { "rope_type": "su", "short_factor": [1], "long_factor": [1] } """, "GAC1210", "su")]
    [InlineData("qwen2", """ "rope_parameters": { "full_attention": { "rope_type": "default" }, "sliding_attention": { "rope_type": "default" } } """,
        "GAC1220", "full_attention")]
    [InlineData("llama", """ "partial_rotary_factor": 0.5 """, "GAC1220", "partial_rotary_factor")]
    [InlineData("mistral", """ "rope_parameters": { "rope_type": "default", "partial_rotary_factor": 0.25 } """, "GAC1220", "partial_rotary_factor")]
    [InlineData("llama", """ "hidden_act": "gelu" """, "GAC1220", "hidden_act")]
    [InlineData("qwen2", """ "quantization_config": { "quant_method": "gptq", "bits": 4 } """, "GAC1220", "quantization_config")]
    [InlineData("qwen2", """ "use_sliding_window": true, "layer_types": ["full_attention", "chunked_attention"] """, "GAC1220", "layer_types")]
    [InlineData("qwen2", """ "use_sliding_window": true, "layer_types": ["full_attention"] """, "GAC1208", "layer_types")]
    public void A_field_not_implemented_exactly_is_refused_naming_it(string modelType, string fields, string code, string named)
    {
        var error = Assert.Throws<GacException>(() => Parse(modelType, fields));

        Assert.Equal(code, error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal("ckpt/config.json", error.Diagnostics[0].Location?.File);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Theory]
    [InlineData(""" "scale_attn_weights": false """, "scale_attn_weights")]
    [InlineData(""" "scale_attn_by_inverse_layer_idx": true """, "scale_attn_by_inverse_layer_idx")]
    [InlineData(""" "add_cross_attention": true """, "add_cross_attention")]
    [InlineData(""" "tie_word_embeddings": false """, "tie_word_embeddings")]
    [InlineData(""" "activation_function": "relu" """, "activation_function")]
    public void Gpt2_fields_the_export_does_not_implement_are_GAC1220(string fields, string named)
    {
        var json = $$"""{ "model_type": "gpt2", "n_embd": 32, "n_layer": 1, "n_head": 4, "vocab_size": 20, {{fields}} }""";

        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(json));

        Assert.Equal("GAC1220", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpt2_accepts_the_defaults_written_out()
    {
        var config = TransformerConfigReader.Parse("""
            { "model_type": "gpt2", "n_embd": 32, "n_layer": 1, "n_head": 4, "vocab_size": 20, "scale_attn_weights": true,
              "scale_attn_by_inverse_layer_idx": false, "add_cross_attention": false, "tie_word_embeddings": true, "reorder_and_upcast_attn": true }
            """);

        Assert.Equal((1024, 128), (config.MaxPositions, config.IntermediateSize));
    }

    [Fact]
    public void Mistral_slides_on_every_layer_with_4096_when_the_key_is_absent_and_not_at_all_when_null()
    {
        var absent = Parse("mistral", "");
        var none = Parse("mistral", """ "sliding_window": null """);
        var set = Parse("mistral", """ "sliding_window": 8 """);

        Assert.Equal((4096, true, true), (absent.SlidingWindow, absent.UsesSlidingWindow(0), absent.UsesSlidingWindow(1)));
        Assert.Equal((null, false), (none.SlidingWindow, none.UsesSlidingWindow(0)));
        Assert.Equal(8, set.SlidingWindow);
    }

    [Fact]
    public void Mistral_ignores_attention_and_mlp_bias_as_its_modeling_code_does_and_defaults_to_8_kv_heads()
    {
        var config = Parse("mistral", """ "num_key_value_heads": null, "attention_bias": true, "mlp_bias": true """);
        var defaulted = TransformerConfigReader.Parse("""{ "model_type": "mistral", "hidden_size": 64, "intermediate_size": 16, "num_hidden_layers": 1,""" +
            """ "num_attention_heads": 16, "vocab_size": 20 }""");

        Assert.Equal((false, false, false), (config.QkvBias, config.OutputBias, config.MlpBias));
        Assert.Equal(config.Heads, config.KvHeads);
        Assert.Equal((8, 131072), (defaulted.KvHeads, defaulted.MaxPositions));
    }

    [Fact]
    public void Llama_attention_bias_covers_q_k_v_and_o_and_mlp_bias_the_mlp()
    {
        var config = Parse("llama", """ "attention_bias": true, "mlp_bias": true """);

        Assert.Equal((true, true, true), (config.QkvBias, config.OutputBias, config.MlpBias));
        Assert.Equal(5 * 20, LogitsRunner.Run(CheckpointExporter.BuildInMemory(config, TinyCheckpoints.Create(config)), TinyCheckpoints.TokenIds(5, 20, 4), 1,
            5).Length);
    }

    [Theory]
    [InlineData(""" "sliding_window": 8 """, new[] { false, false })]
    [InlineData(""" "use_sliding_window": true, "sliding_window": 8, "max_window_layers": 1 """, new[] { false, true })]
    [InlineData(""" "use_sliding_window": true, "sliding_window": 8 """, new[] { false, false })]
    [InlineData(""" "use_sliding_window": true, "sliding_window": 8, "layer_types": ["sliding_attention", "full_attention"] """, new[] { true, false })]
    public void Qwen2_slides_where_use_sliding_window_and_the_layer_types_say(string fields, bool[] sliding)
    {
        var config = Parse("qwen2", fields);

        Assert.Equal(sliding, Enumerable.Range(0, 2).Select(config.UsesSlidingWindow));
    }

    private static TransformerConfig Parse(string modelType, string fields)
    {
        // num_key_value_heads is given unless the case is about it: Mistral's and Qwen2's defaults (8, 32) do not divide 4 heads.
        var kv = fields.Contains("num_key_value_heads", StringComparison.Ordinal) ? string.Empty : ", \"num_key_value_heads\": 2";
        var extra = kv + (fields.Trim().Length > 0 ? ", " + fields : string.Empty);
        var json = $$"""{ "model_type": "{{modelType}}", {{Base}}{{extra}} }""";
        return TransformerConfigReader.Parse(json, "ckpt/config.json");
    }
}
