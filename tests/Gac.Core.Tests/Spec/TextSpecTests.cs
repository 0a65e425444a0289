using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

/// <summary>calibration.text and calibration.tokenizer: real text tokenized with the model's own tokenizer.</summary>
public sealed class TextSpecTests : IDisposable
{
    private readonly SpecWorkspace _workspace = new();

    public TextSpecTests()
    {
        _workspace.File("model.onnx");
        _workspace.File("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        _workspace.File("sentences.txt", "One sentence.\n");
        _workspace.File("hf/config.json", "{}");
        _workspace.File("hf/model.safetensors");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Text_with_a_named_tokenizer_binds_the_text_source_and_mean_pooling_when_asked()
    {
        _workspace.WriteSpec(Spec("model.onnx", "  text: sentences.txt\n  tokenizer: vocab.txt\n", "validation:\n  pooling: mean\n"));

        var spec = GacSpecLoader.Load(_workspace.SpecPath);

        Assert.Equal(CalibrationSource.Text, spec.Calibration.Source);
        Assert.Equal(Path.Combine(_workspace.Root, "sentences.txt"), spec.Calibration.Text!.FullPath);
        Assert.Equal(Path.Combine(_workspace.Root, "vocab.txt"), spec.Calibration.Tokenizer!.FullPath);
        Assert.Equal(SentencePooling.Mean, spec.Validation.Pooling);
        Assert.Contains(Path.Combine(_workspace.Root, "vocab.txt"), SpecFileSet.Of(spec).Inputs);
    }

    [Fact]
    public void Pooling_defaults_to_auto()
    {
        _workspace.WriteSpec(Spec("model.onnx", "  text: sentences.txt\n  tokenizer: vocab.txt\n"));

        Assert.Equal(SentencePooling.Auto, GacSpecLoader.Load(_workspace.SpecPath).Validation.Pooling);
    }

    [Fact]
    public void Text_on_an_ONNX_model_without_a_tokenizer_is_GAC0060_at_the_text_line()
    {
        _workspace.WriteSpec(Spec("model.onnx", "  text: sentences.txt\n"));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Code == "GAC0060");
        Assert.Equal(5, diagnostic.Location?.Line);
        Assert.Contains("calibration.tokenizer", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_on_a_checkpoint_folder_finds_the_tokenizer_beside_it_or_is_GAC0060()
    {
        _workspace.WriteSpec(Spec("hf", "  text: sentences.txt\n"));
        Assert.Contains(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0060"
            && d.Message.Contains("tokenizer.model, tokenizer.json, vocab.txt", StringComparison.Ordinal));

        var tokenizer = _workspace.File("hf/tokenizer.json", "{}");
        var spec = GacSpecLoader.Load(_workspace.SpecPath);
        Assert.Equal(tokenizer, TokenizerFiles.Resolve(spec));
    }

    [Fact]
    public void A_tokenizer_file_of_another_kind_is_GAC0061()
    {
        _workspace.File("merges.bin");
        _workspace.WriteSpec(Spec("model.onnx", "  text: sentences.txt\n  tokenizer: merges.bin\n"));

        var diagnostic = Assert.Single(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0061");

        Assert.Equal(6, diagnostic.Location?.Line);
    }

    [Fact]
    public void Text_and_tokens_together_conflict()
    {
        _workspace.File("ids.tokens", "1 2 3");
        _workspace.WriteSpec(Spec("model.onnx", "  text: sentences.txt\n  tokenizer: vocab.txt\n  tokens: ids.tokens\n"));

        Assert.Contains(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Code == "GAC0023"
            && d.Message.Contains("conflicts with calibration.text", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_text_file_is_reported_at_its_line()
    {
        _workspace.WriteSpec(Spec("model.onnx", "  text: missing.txt\n  tokenizer: vocab.txt\n"));

        var diagnostic = Assert.Single(GacSpecLoader.TryLoad(_workspace.SpecPath).Diagnostics, d => d.Message.Contains("missing.txt",
            StringComparison.Ordinal));

        Assert.Equal(5, diagnostic.Location?.Line);
    }

    [Fact]
    public void A_perplexity_gate_accepts_text_as_its_token_data()
    {
        _workspace.WriteSpec(Spec("hf", "  text: sentences.txt\n  tokenizer: vocab.txt\n", "gate:\n  max_perplexity_increase: \"5%\"\n"));

        Assert.True(GacSpecLoader.TryLoad(_workspace.SpecPath).Succeeded);
    }

    private static string Spec(string model, string calibration, string extra = "")
        => $"version: 1\nmodel:\n  path: {model}\ncalibration:\n{calibration}compress:\n  method: asvd\n  ratio: 0.15\nexport:\n  path: out.onnx\n{extra}";
}
