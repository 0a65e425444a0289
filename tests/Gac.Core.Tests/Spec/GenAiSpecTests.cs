using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

/// <summary>model.attention_mask and export.genai: generation-ready exports of a Hugging Face folder, refused where they cannot apply.</summary>
public sealed class GenAiSpecTests : IDisposable
{
    private readonly SpecWorkspace _workspace = new();

    public GenAiSpecTests()
    {
        _workspace.File("model.onnx");
        _workspace.File("hf/config.json", "{}");
        _workspace.File("hf/model.safetensors");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Attention_mask_and_genai_default_to_false()
    {
        _workspace.WriteSpec(Spec("hf", string.Empty));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal((false, false), (spec.Model.AttentionMask, spec.Export.GenAi));
    }

    [Fact]
    public void Genai_with_past_kv_and_attention_mask_on_a_Hugging_Face_folder_is_bound()
    {
        _workspace.WriteSpec(Spec("hf", "  past_kv: true\n  attention_mask: true\n", "  genai: true\n"));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal((true, true, true), (spec.Model.PastKeyValues, spec.Model.AttentionMask, spec.Export.GenAi));
    }

    [Fact]
    public void Attention_mask_on_an_ONNX_model_is_GAC0023_at_the_key()
    {
        _workspace.WriteSpec(Spec("model.onnx", "  attention_mask: true\n"));

        var diagnostic = Assert.Single(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0023");

        Assert.Equal(4, diagnostic.Location?.Line);
        Assert.Contains("attention_mask", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "past_kv: true and attention_mask: true")]
    [InlineData("  past_kv: true\n", "attention_mask: true")]
    [InlineData("  attention_mask: true\n", "past_kv: true")]
    public void Genai_without_the_cache_or_the_mask_is_GAC0023_naming_what_to_add(string model, string missing)
    {
        _workspace.WriteSpec(Spec("hf", model, "  genai: true\n"));

        var diagnostic = Assert.Single(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0023");

        Assert.Contains($"Add {missing} under model:", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Genai_on_an_ONNX_model_is_GAC0023()
    {
        _workspace.WriteSpec(Spec("model.onnx", string.Empty, "  genai: true\n"));

        var diagnostic = Assert.Single(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0023");

        Assert.Contains("export.genai", diagnostic.Message, StringComparison.Ordinal);
    }

    private static string Spec(string path, string modelExtra, string exportExtra = "")
        => $"version: 1\nmodel:\n  path: {path}\n{modelExtra}compress:\n  method: asvd\n  ratio: 0.15\nexport:\n  path: out.onnx\n{exportExtra}";
}
