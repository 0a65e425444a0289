using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;
using Gac.Onnx.Discovery;
using Gac.Onnx.Exporters;
using Xunit.Abstractions;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Phi-3 (transformers' modeling_phi3) is Llama with fused projections: qkv_proj stacks q, k, v by
/// rows and gate_up_proj stacks gate, then up (Phi3MLP: gate, up = chunk(2); up · silu(gate)). The
/// export splits them so discovery and the compressors see ordinary layers.
/// </summary>
public sealed class Phi3ExportTests(ITestOutputHelper output)
{
    /// <summary>As in Qwen3ExportTests: fp32 export vs double-precision transcription, measured ≈ 1e-6.</summary>
    private const double Tolerance = 2e-5;

    [Fact]
    public void A_fused_phi3_checkpoint_exports_the_logits_of_the_llama_checkpoint_holding_its_split_weights()
    {
        var phi3 = TinyCheckpoints.Config(TinyCheckpoints.Phi3);
        var llama = TinyCheckpoints.Config(TinyCheckpoints.Phi3.Replace("\"phi3\"", "\"llama\"", StringComparison.Ordinal));
        var split = TinyCheckpoints.Create(llama, seed: 31);
        var ids = TinyCheckpoints.TokenIds(7, phi3.VocabSize, seed: 8);

        var fused = Qwen3ExportTests.Prefill(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true)), ids);
        var unfused = Qwen3ExportTests.Prefill(CheckpointExporter.BuildInMemory(llama, split), ids);
        var swapped = Qwen3ExportTests.Prefill(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: false)), ids);

        output.WriteLine($"phi3 export vs hand forward: max |Δ| = {Qwen3ExportTests.MaxDifference(Hand(split).Logits(ids), fused):E2}; gate/up swapped: " +
            $"{Qwen3ExportTests.MaxDifference(fused, swapped):E2}");
        // Same split weights, same graph: bit for bit.
        Assert.Equal(unfused, fused);
        Qwen3ExportTests.AssertClose(Hand(split).Logits(ids), fused, Tolerance);
        // gate_up_proj read as (up, gate) would be a different model: the test sees the order.
        Assert.True(Qwen3ExportTests.MaxDifference(fused, swapped) > 0.01);
    }

    [Fact]
    public void Phi3_decodes_with_the_cache_to_the_hand_computed_logits()
    {
        var phi3 = TinyCheckpoints.Config(TinyCheckpoints.Phi3);
        var llama = TinyCheckpoints.Config(TinyCheckpoints.Phi3.Replace("\"phi3\"", "\"llama\"", StringComparison.Ordinal));
        var split = TinyCheckpoints.Create(llama, seed: 32);
        var ids = TinyCheckpoints.TokenIds(6, phi3.VocabSize, seed: 9);
        var expected = Hand(split).Logits(ids);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true),
            new CheckpointExportOptions { PastKeyValues = true }));

        var step = runner.Run(ids[..3], 1, 3, past: null);
        Qwen3ExportTests.AssertClose(expected[..3], step.Logits, Tolerance);
        for (var t = 3; t < ids.Length; t++)
        {
            step = runner.Run([ids[t]], 1, 1, step.Presents);
            Qwen3ExportTests.AssertClose([expected[t]], step.Logits, Tolerance);
        }
    }

    [Fact]
    public void Discovery_sees_separate_q_k_v_gate_and_up_layers_in_a_phi3_export()
    {
        var phi3 = TinyCheckpoints.Config(TinyCheckpoints.Phi3);
        var discovered = LinearLayerDiscovery.Discover(CheckpointExporter.BuildInMemory(phi3, TinyCheckpoints.Create(phi3)));

        Assert.Contains(discovered.Layers, l => l.Name == "model.layers.1.self_attn.k_proj" && (l.InFeatures, l.OutFeatures) == (32, 16));
        Assert.Contains(discovered.Layers, l => l.Name == "model.layers.1.mlp.up_proj" && (l.InFeatures, l.OutFeatures) == (32, 48));
        Assert.DoesNotContain(discovered.Layers, l => l.Name.Contains("qkv_proj", StringComparison.Ordinal) || l.Name.Contains("gate_up_proj",
            StringComparison.Ordinal));
    }

    [Fact]
    public void A_fused_projection_of_the_wrong_height_is_GAC1207_not_a_shifted_slice()
    {
        var phi3 = TinyCheckpoints.Config(TinyCheckpoints.Phi3);
        var weights = TinyCheckpoints.Create(phi3 with { KvHeads = 1 });

        var error = Assert.Throws<GacException>(() => CheckpointExporter.BuildInMemory(phi3, weights));

        Assert.Equal("GAC1207", error.Diagnostics[0].Code);
        Assert.Contains("model.layers.0.self_attn.qkv_proj.weight", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_rotary_factor_rotates_only_the_leading_dims_as_transformers_does()
    {
        // Phi-4-mini (model_type phi3) rotates 3/4 of each head: apply_rotary_pos_emb's q_rot / q_pass split.
        var json = TinyCheckpoints.Phi3.Replace("\"rope_scaling\": null", "\"rope_scaling\": null, \"partial_rotary_factor\": 0.5", StringComparison.Ordinal);
        var phi3 = TinyCheckpoints.Config(json);
        var llama = TinyCheckpoints.Config(TinyCheckpoints.Phi3.Replace("\"phi3\"", "\"llama\"", StringComparison.Ordinal));
        var split = TinyCheckpoints.Create(llama, seed: 33);
        var ids = TinyCheckpoints.TokenIds(6, phi3.VocabSize, seed: 10);

        var exported = Qwen3ExportTests.Prefill(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true)), ids);

        Assert.Equal(4, phi3.RotaryDim);
        Qwen3ExportTests.AssertClose(Hand(split, rotaryDim: 4).Logits(ids), exported, Tolerance);
        Assert.True(Qwen3ExportTests.MaxDifference(Hand(split).Logits(ids), exported) > 100 * Tolerance);
    }

    [Fact]
    public void Phi3_sliding_window_limits_every_layers_attention_as_transformers_does()
    {
        // Phi3Model builds create_sliding_window_causal_mask whenever sliding_window is set (all layers).
        var json = TinyCheckpoints.Phi3.Replace("\"rope_scaling\": null", "\"rope_scaling\": null, \"sliding_window\": 3", StringComparison.Ordinal);
        var phi3 = TinyCheckpoints.Config(json);
        var llama = TinyCheckpoints.Config(TinyCheckpoints.Phi3.Replace("\"phi3\"", "\"llama\"", StringComparison.Ordinal));
        var split = TinyCheckpoints.Create(llama, seed: 34);
        var ids = TinyCheckpoints.TokenIds(8, phi3.VocabSize, seed: 11);

        var exported = Qwen3ExportTests.Prefill(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true)), ids);

        Qwen3ExportTests.AssertClose(Hand(split, slidingWindow: 3).Logits(ids), exported, Tolerance);
        Assert.True(Qwen3ExportTests.MaxDifference(Hand(split).Logits(ids), exported) > 100 * Tolerance);
    }

    [Fact]
    public void Phi3_longrope_uses_short_factors_within_the_original_context_and_long_factors_beyond()
    {
        // _compute_longrope_parameters: inv_freq_i = 1 / (factor_i · θ^(2i/d)); long_factor once the forward's
        // length (largest position + 1) exceeds original_max_position_embeddings (longrope_frequency_update);
        // cos/sin × sqrt(1 + ln(32/4) / ln 4) since max_position_embeddings / original = 8.
        var (phi3, split) = LongRope("longrope", seed: 35);
        double[] shortFactor = [1, 1.5, 2, 3], longFactor = [2, 3, 5, 8];
        var scale = Math.Sqrt(1 + (Math.Log(8) / Math.Log(4)));
        var within = TinyCheckpoints.TokenIds(4, phi3.VocabSize, seed: 12);
        var beyond = TinyCheckpoints.TokenIds(7, phi3.VocabSize, seed: 13);
        var model = CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true));

        var shortLogits = Qwen3ExportTests.Prefill(model, within);
        var longLogits = Qwen3ExportTests.Prefill(model, beyond);

        Assert.Equal(RopeScalingKind.LongRope, phi3.RopeScaling.Kind);
        Qwen3ExportTests.AssertClose(Hand(split, divisors: shortFactor, scale: scale).Logits(within), shortLogits, Tolerance);
        Qwen3ExportTests.AssertClose(Hand(split, divisors: longFactor, scale: scale).Logits(beyond), longLogits, Tolerance);
        Assert.True(Qwen3ExportTests.MaxDifference(Hand(split, divisors: shortFactor, scale: scale).Logits(beyond), longLogits) > 100 * Tolerance,
            "past the original context the long factors apply");
    }

    [Fact]
    public void Phi3_longrope_decodes_within_the_original_context_with_short_factors()
    {
        var (phi3, split) = LongRope("longrope", seed: 36);
        var ids = TinyCheckpoints.TokenIds(4, phi3.VocabSize, seed: 14);
        var expected = Hand(split, divisors: [1, 1.5, 2, 3], scale: Math.Sqrt(1 + (Math.Log(8) / Math.Log(4)))).Logits(ids);
        using var runner = new DecodeRunner(CheckpointExporter.BuildInMemory(phi3, Fuse(split, phi3, gateFirst: true),
            new CheckpointExportOptions { PastKeyValues = true }));

        var step = runner.Run(ids[..2], 1, 2, past: null);
        Qwen3ExportTests.AssertClose(expected[..2], step.Logits, Tolerance);
        for (var t = 2; t < ids.Length; t++)
        {
            step = runner.Run([ids[t]], 1, 1, step.Presents);
            Qwen3ExportTests.AssertClose([expected[t]], step.Logits, Tolerance);
        }
    }

    [Theory]
    [InlineData("su")]
    [InlineData("yarn")]
    public void Phi3_reads_su_and_yarn_as_their_old_names_for_longrope(string type)
    {
        // Phi3Config maps "su" and "yarn" to longrope: a phi3 "yarn" is not YaRN.
        var (phi3, _) = LongRope(type, seed: 37);
        var (reference, _) = LongRope("longrope", seed: 37);

        Assert.Equal(reference.RopeScaling, phi3.RopeScaling);
        Assert.Equal([2.0, 3, 5, 8], phi3.RopeScaling.LongFactors);
    }

    [Theory]
    [InlineData("\"type\": \"linear\", \"factor\": 2.0", "GAC1210")]
    [InlineData("\"type\": \"longrope\", \"factor\": 4.0, \"short_factor\": [1, 1, 1, 1], \"long_factor\": [2, 2, 2, 2]", "GAC1221")]
    [InlineData("\"type\": \"longrope\", \"short_factor\": [1, 1, 1], \"long_factor\": [2, 2, 2, 2]", "GAC1208")]
    [InlineData("\"type\": \"longrope\", \"long_factor\": [2, 2, 2, 2]", "GAC1208")]
    public void Phi3_rope_settings_transformers_rejects_or_reads_differently_are_refused(string scaling, string code)
    {
        // linear: Phi3Config.validate_rope allows default and longrope only; a factor other than
        // max / original: 4.x and 5.x disagree; factor lists must have rotary_dim / 2 entries.
        var json = TinyCheckpoints.Phi3.Replace("\"rope_scaling\": null", $"\"rope_scaling\": {{ {scaling} }}", StringComparison.Ordinal)
            .Replace("\"original_max_position_embeddings\": 64", "\"original_max_position_embeddings\": 32", StringComparison.Ordinal);

        var error = Assert.Throws<GacException>(() => TinyCheckpoints.Config(json));

        Assert.Equal(code, error.Diagnostics[0].Code);
    }

    /// <summary>TinyCheckpoints.Phi3 with longrope over an original context of 4 tokens, 32 in all.</summary>
    private static (TransformerConfig Phi3, InMemoryCheckpoint Split) LongRope(string type, int seed)
    {
        var json = TinyCheckpoints.Phi3
            .Replace("\"rope_scaling\": null", $"\"rope_scaling\": {{ \"type\": \"{type}\", \"short_factor\": [1, 1.5, 2, 3], \"long_factor\": [2, 3, 5, 8] }}",
                StringComparison.Ordinal)
            .Replace("\"max_position_embeddings\": 64", "\"max_position_embeddings\": 32", StringComparison.Ordinal)
            .Replace("\"original_max_position_embeddings\": 64", "\"original_max_position_embeddings\": 4", StringComparison.Ordinal);
        var llama = TinyCheckpoints.Config(TinyCheckpoints.Phi3.Replace("\"phi3\"", "\"llama\"", StringComparison.Ordinal));
        return (TinyCheckpoints.Config(json), TinyCheckpoints.Create(llama, seed));
    }

    /// <summary>A Phi-3 checkpoint from split Llama weights: qkv = [q; k; v] and gate_up = [gate; up] (or [up; gate]) by rows.</summary>
    private static InMemoryCheckpoint Fuse(InMemoryCheckpoint split, TransformerConfig phi3, bool gateFirst)
    {
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var (name, tensor) in split.Tensors)
        {
            if (!name.Contains(".q_proj.", StringComparison.Ordinal) && !name.Contains(".k_proj.", StringComparison.Ordinal) && !name.Contains(".v_proj.",
                StringComparison.Ordinal)
                && !name.Contains(".gate_proj.", StringComparison.Ordinal) && !name.Contains(".up_proj.", StringComparison.Ordinal))
            {
                tensors[name] = tensor;
            }
        }

        for (var i = 0; i < phi3.Layers; i++)
        {
            var a = $"model.layers.{i}.self_attn.";
            tensors[a + "qkv_proj.weight"] = Stack(split, a + "q_proj.weight", a + "k_proj.weight", a + "v_proj.weight");
            var m = $"model.layers.{i}.mlp.";
            tensors[m + "gate_up_proj.weight"] = gateFirst ? Stack(split, m + "gate_proj.weight", m + "up_proj.weight") : Stack(split, m + "up_proj.weight", m
                + "gate_proj.weight");
        }

        return new InMemoryCheckpoint(tensors);
    }

    private static (long[], float[]) Stack(InMemoryCheckpoint split, params string[] names)
    {
        var parts = names.Select(n => split.Tensors[n]).ToList();
        return ([parts.Sum(p => p.Shape[0]), parts[0].Shape[1]], parts.SelectMany(p => p.Values).ToArray());
    }

    private static HandForward Hand(InMemoryCheckpoint split, int? rotaryDim = null, int? slidingWindow = null, double[]? divisors = null,
        double scale = 1.0) => new()
        {
            // The literal values of TinyCheckpoints.Phi3.
            Hidden = 32,
            Heads = 4,
            KvHeads = 2,
            HeadDim = 8,
            Inner = 48,
            Layers = 2,
            Theta = 10000.0,
            Epsilon = 1e-5,
            RotaryDim = rotaryDim,
            SlidingWindow = slidingWindow,
            FrequencyDivisors = divisors,
            CosSinScale = scale,
            Weight = split.ReadFloat32,
        };
}
