using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// How qwen3 and phi3 config.json fields are read (CONFIG-FIELDS.md, one case per row): defaults
/// from Qwen3Config / Phi3Config, the fields their modeling code ignores, and the ones refused.
/// </summary>
public sealed class FamilyConfigTests
{
    private const string Qwen3Minimal = """
        { "model_type": "qwen3", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
          "num_attention_heads": 64, "vocab_size": 10 }
        """;

    private const string Phi3Minimal = """
        { "model_type": "phi3", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
          "num_attention_heads": 4, "vocab_size": 10 }
        """;

    [Fact]
    public void Qwen3_defaults_are_Qwen3Config_s()
    {
        var config = TransformerConfigReader.Parse(Qwen3Minimal);

        Assert.Equal((32, 128, 128), (config.KvHeads, config.HeadDim, config.RotaryDim));
        Assert.Equal((1e-6, 32768), (config.NormEpsilon, config.MaxPositions));
        Assert.True(config.QkNorm);
        Assert.False(config.FusedProjections);
        Assert.Null(config.SlidingWindow);
    }

    [Fact]
    public void Qwen3_attention_bias_applies_to_all_four_projections_and_mlp_bias_is_ignored()
    {
        var config = TransformerConfigReader.Parse(With(Qwen3Minimal, "\"attention_bias\": true, \"mlp_bias\": true"));

        Assert.Equal((true, true, false), (config.QkvBias, config.OutputBias, config.MlpBias));
        Assert.Contains(CheckpointLayout.Tensors(config), t => t.Name == "model.layers.0.self_attn.o_proj.bias");
        Assert.DoesNotContain(CheckpointLayout.Tensors(config), t => t.Name.EndsWith("mlp.down_proj.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Qwen3_slides_only_from_max_window_layers_on_when_use_sliding_window()
    {
        var off = TransformerConfigReader.Parse(With(Qwen3Minimal, "\"sliding_window\": 8, \"max_window_layers\": 1"));
        var on = TransformerConfigReader.Parse(With(Qwen3Minimal, "\"use_sliding_window\": true, \"sliding_window\": 8, \"max_window_layers\": 1"));

        Assert.Null(off.SlidingWindow);
        Assert.Equal(8, on.SlidingWindow);
        Assert.Equal("01", on.SlidingLayers.ToString());
    }

    [Fact]
    public void Phi3_defaults_are_Phi3Config_s()
    {
        var config = TransformerConfigReader.Parse(Phi3Minimal);

        Assert.Equal((4, 16, 16), (config.KvHeads, config.HeadDim, config.RotaryDim));
        Assert.Equal((1e-5, 4096), (config.NormEpsilon, config.MaxPositions));
        Assert.True(config.FusedProjections);
        Assert.False(config.QkNorm);
        Assert.Null(config.SlidingWindow);
        Assert.Contains(CheckpointLayout.Tensors(config), t => t.Name == "model.layers.1.self_attn.qkv_proj.weight" && t.Shape.SequenceEqual([192L, 64]));
        Assert.Contains(CheckpointLayout.Tensors(config), t => t.Name == "model.layers.1.mlp.gate_up_proj.weight" && t.Shape.SequenceEqual([192L, 64]));
    }

    [Fact]
    public void Phi3_ignores_the_bias_keys_its_modeling_code_never_reads()
    {
        var config = TransformerConfigReader.Parse(With(Phi3Minimal, "\"attention_bias\": true, \"mlp_bias\": true"));

        Assert.Equal((false, false, false), (config.QkvBias, config.OutputBias, config.MlpBias));
    }

    [Fact]
    public void Phi3_sliding_window_applies_to_every_layer()
    {
        var config = TransformerConfigReader.Parse(With(Phi3Minimal, "\"sliding_window\": 2047"));

        Assert.Equal(2047, config.SlidingWindow);
        Assert.Equal("11", config.SlidingLayers.ToString());
    }

    [Theory]
    [InlineData("\"partial_rotary_factor\": 0.75", 12)]
    [InlineData("\"rope_parameters\": { \"rope_type\": \"default\", \"rope_theta\": 250000.0, \"partial_rotary_factor\": 0.5 }", 8)]
    public void Phi3_partial_rotary_factor_is_read_from_either_place(string field, int rotaryDim)
        => Assert.Equal(rotaryDim, TransformerConfigReader.Parse(With(Phi3Minimal, field)).RotaryDim);

    [Theory]
    [InlineData("\"partial_rotary_factor\": 1.5")]
    [InlineData("\"partial_rotary_factor\": 0.3125")]
    public void A_phi3_rotary_width_rotate_half_cannot_split_is_GAC1220(string field)
    {
        // 16 · 0.3125 = 5 dims: no two equal halves.
        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(With(Phi3Minimal, field)));

        Assert.Equal("GAC1220", error.Diagnostics[0].Code);
        Assert.Contains("partial_rotary_factor", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"rope_scaling\": { \"type\": \"linear\", \"factor\": 2.0 }", "linear")]
    [InlineData("\"rope_parameters\": { \"rope_type\": \"llama3\", \"factor\": 8.0 }", "llama3")]
    public void Phi3_rope_types_other_than_default_and_longrope_are_GAC1210(string field, string type)
    {
        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(With(Phi3Minimal, field)));

        Assert.Equal("GAC1210", error.Diagnostics[0].Code);
        Assert.Contains($"\"{type}\" is not supported for phi3", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_rotary_factor_stays_refused_for_qwen3()
        => Assert.Equal("GAC1220", Assert.Throws<GacException>(() => TransformerConfigReader.Parse(With(Qwen3Minimal,
            "\"partial_rotary_factor\": 0.5"))).Diagnostics[0].Code);

    private static string With(string json, string fields) => json.Replace("\"vocab_size\": 10", "\"vocab_size\": 10, " + fields, StringComparison.Ordinal);
}
