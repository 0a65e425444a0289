using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Model.Architectures;

namespace Gac.Onnx.Tests.Exporters;

public sealed class ArchitectureConfigTests
{
    private const string Llama3_8B = """
        { "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
          "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
          "max_position_embeddings": 8192, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "rope_scaling": null,
          "tie_word_embeddings": false, "attention_bias": false, "hidden_act": "silu", "torch_dtype": "bfloat16" }
        """;

    [Fact]
    public void Llama3_8B_config_yields_224_linear_layers_with_the_shapes_of_GAC_METHOD_section_6()
    {
        var inventory = ArchitectureShapes.FromConfig(TransformerConfigReader.Parse(Llama3_8B));

        Assert.Equal(224, inventory.Layers.Count);
        Assert.Equal(6_979_321_856, inventory.LinearParameters);
        var block = inventory.Layers.Where(l => l.Name.StartsWith("model.layers.7.", StringComparison.Ordinal))
            .Select(l => (l.Name[15..], l.InFeatures, l.OutFeatures)).ToArray();
        Assert.Equal(
            [
                ("self_attn.q_proj", 4096L, 4096L), ("self_attn.k_proj", 4096L, 1024L), ("self_attn.v_proj", 4096L, 1024L),
                ("self_attn.o_proj", 4096L, 4096L), ("mlp.gate_proj", 4096L, 14336L), ("mlp.up_proj", 4096L, 14336L),
                ("mlp.down_proj", 14336L, 4096L),
            ],
            block);
        Assert.All(inventory.Layers, l => Assert.False(l.HasBias));
        var attention = inventory.Groups.Single(g => g.Name == "model.layers.31.self_attn");
        Assert.Equal((GroupKind.Attention, 4096L, 32, 128), (attention.Kind, attention.CoupledWidth, attention.HeadCount, attention.HeadDim));
        Assert.Equal(14336, inventory.Groups.Single(g => g.Name == "model.layers.0.mlp").CoupledWidth);
    }

    [Fact]
    public void Qwen2_has_bias_on_q_k_v_but_not_on_o()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Qwen2);

        var biased = ArchitectureShapes.FromConfig(config).Layers.Where(l => l.HasBias).Select(l => l.Name[15..]).Distinct().ToArray();

        Assert.Equal(["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"], biased);
        Assert.Equal((4, 1, 8, 32, 8), (config.Heads, config.KvHeads, config.HeadDim, config.QueryWidth, config.KeyValueWidth));
    }

    [Fact]
    public void Gpt2_defaults_the_inner_width_to_four_times_n_embd_and_ties_the_head()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.Gpt2);

        Assert.Equal((TransformerFamily.Gpt2, 128, 8, true, 40), (config.Family, config.IntermediateSize, config.HeadDim, config.TieWordEmbeddings,
            config.MaxPositions));
    }

    [Fact]
    public void An_unsupported_model_type_is_GAC1209_naming_the_supported_ones()
    {
        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse("""{ "model_type": "falcon", "hidden_size": 8 }""", "ckpt/config.json"));

        var diagnostic = error.Diagnostics.Single();
        Assert.Equal("GAC1209", diagnostic.Descriptor.Code);
        Assert.Equal("ckpt/config.json", diagnostic.Location?.File);
        Assert.Contains("llama, mistral, qwen2, qwen3, phi3, gpt2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "model_type": "llama", "hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9 }""", "intermediate_size")]
    [InlineData("""{ "model_type": "llama", "hidden_size": "32", "intermediate_size": 8, "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9 }""",
        "hidden_size")]
    [InlineData("""{ "model_type": "llama", "hidden_size": 32, "intermediate_size": 8, "num_attention_heads": 4, "num_key_value_heads": 3,""" +
        """ "num_hidden_layers": 1, "vocab_size": 9 }""", "num_key_value_heads")]
    [InlineData("""[1, 2]""", "JSON object")]
    public void A_missing_or_ill_typed_field_is_GAC1208_naming_it(string json, string named)
    {
        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(json));

        Assert.Equal("GAC1208", error.Diagnostics[0].Descriptor.Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "proportional", "factor": 2.0 }""", "GAC1210")]
    [InlineData("""{ "rope_type": "su", "factor": 2.0 }""", "GAC1210")]
    [InlineData("""{ "rope_type": "llama3", "factor": 8.0 }""", "GAC1210")]
    [InlineData("""{ "rope_type": "yarn" }""", "GAC1210")]
    [InlineData("""{ "rope_type": "dynamic", "factor": 2.0 }""", "GAC1221")]
    public void Rope_types_not_implemented_exactly_are_refused(string scaling, string code)
    {
        var json = $$"""{ "model_type": "llama", "hidden_size": 32, "intermediate_size": 8, "num_attention_heads": 4, "num_hidden_layers": 1,""" +
            $$""" "vocab_size": 9, "rope_scaling": {{scaling}} }""";

        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(json));

        Assert.Equal(code, error.Diagnostics[0].Descriptor.Code);
    }

    [Fact]
    public void Linear_rope_scaling_divides_every_frequency_by_the_factor()
    {
        var scaled = new RopeScaling(RopeScalingKind.Linear, Factor: 4).InverseFrequencies(8, 10000);
        var plain = RopeScaling.None.InverseFrequencies(8, 10000);

        Assert.Equal([1.0, 0.1, 0.01, 0.001], plain, new ToleranceComparer(1e-12));
        Assert.Equal(plain.Select(f => f / 4), scaled, new ToleranceComparer(1e-15));
    }

    [Fact]
    public void Llama3_rope_scaling_keeps_high_frequencies_divides_low_ones_and_ramps_between()
    {
        // Llama 3.1: factor 8, low 1, high 4, original context 8192 → wavelengths below 2048 kept,
        // above 8192 divided by 8; theta 500000, head_dim 128.
        var scaling = new RopeScaling(RopeScalingKind.Llama3, 8, 1, 4, 8192);
        var plain = RopeScaling.None.InverseFrequencies(128, 500000);
        var scaled = scaling.InverseFrequencies(128, 500000);

        for (var i = 0; i < plain.Length; i++)
        {
            var wavelength = 2 * Math.PI / plain[i];
            var ratio = scaled[i] / plain[i];
            if (wavelength < 2048)
            {
                Assert.Equal(1.0, ratio, 12);
            }
            else if (wavelength > 8192)
            {
                Assert.Equal(0.125, ratio, 12);
            }
            else
            {
                Assert.InRange(ratio, 0.125, 1.0);
            }
        }

        Assert.Contains(scaled.Zip(plain), p => p.First / p.Second is > 0.125 + 1e-9 and < 1 - 1e-9);
    }

    [Fact]
    public void Rotary_tables_hold_cos_and_sin_of_position_times_frequency_with_halves_repeated()
    {
        var config = TinyCheckpoints.Config(TinyCheckpoints.LlamaGqa);

        var tables = RotaryTables.Create(config, 3);

        // head_dim 8: frequencies 1, 0.1, 0.01, 0.001 (as float32); position 2, index 1 and its
        // twin 5. The angle is a float32 product, as transformers computes inv_freq @ position_ids.
        Assert.Equal((float)Math.Cos(2f * 0.1f), tables.Cos[(2 * 8) + 1]);
        Assert.Equal((float)Math.Sin(2f * 0.1f), tables.Sin[(2 * 8) + 5]);
        Assert.Equal(1f, tables.Cos[3]);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
