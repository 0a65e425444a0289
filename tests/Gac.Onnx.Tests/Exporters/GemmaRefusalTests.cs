using Gac.Core.Diagnostics;
using Gac.Core.Model.Architectures;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Gemma checkpoints are recognised and refused with GAC1304, naming what of their forward the Llama
/// export lacks, instead of GAC1209's "unknown model_type" or, worse, a Llama export with wrong logits.
/// </summary>
public sealed class GemmaRefusalTests
{
    /// <summary>google/gemma-2-2b's config.json fields that shape the forward (sizes shrunk).</summary>
    private const string Gemma2 = """
        { "model_type": "gemma2", "architectures": ["Gemma2ForCausalLM"], "hidden_size": 32, "intermediate_size": 64,
          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "vocab_size": 50,
          "hidden_activation": "gelu_pytorch_tanh", "query_pre_attn_scalar": 256, "sliding_window": 4096,
          "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0, "rms_norm_eps": 1e-6, "tie_word_embeddings": true }
        """;

    [Fact]
    public void A_gemma2_config_is_GAC1304_naming_soft_capping_scaled_norms_and_alternating_windows()
    {
        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(Gemma2, "gemma/config.json"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("GAC1304", diagnostic.Code);
        Assert.Equal("gemma/config.json", diagnostic.Location?.File);
        foreach (var expected in new[]
        {
            "model_type \"gemma2\"", "sqrt(hidden_size = 32)", "(1 + weight)", "gelu_pytorch_tanh", "sandwich norms",
            "query_pre_attn_scalar = 256", "attention scores at 50.0", "logits at 30.0", "4096 tokens on alternating layers",
        })
        {
            Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("gemma")]
    [InlineData("gemma3_text")]
    public void Every_gemma_generation_is_GAC1304(string modelType)
    {
        var json = Gemma2.Replace("\"gemma2\"", $"\"{modelType}\"", StringComparison.Ordinal);

        var error = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(json));

        Assert.Equal("GAC1304", error.Diagnostics[0].Code);
        Assert.Contains($"\"{modelType}\"", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(modelType == "gemma", !error.Diagnostics[0].Message.Contains("sandwich", StringComparison.Ordinal));
    }

    [Fact]
    public void A_multimodal_gemma3_config_is_read_from_its_text_config()
    {
        var json = """{ "model_type": "gemma3", "text_config": { "hidden_size": 1152, "query_pre_attn_scalar": 256, "sliding_window": 512,""" +
            """ "final_logit_softcapping": null } }""";

        var message = Assert.Throws<GacException>(() => TransformerConfigReader.Parse(json)).Diagnostics[0].Message;

        Assert.Contains("sqrt(hidden_size = 1152)", message, StringComparison.Ordinal);
        Assert.Contains("512 tokens", message, StringComparison.Ordinal);
        Assert.DoesNotContain("logits at", message, StringComparison.Ordinal);
        Assert.Contains("q_norm / k_norm", message, StringComparison.Ordinal);
    }
}
