using Gac.Core.Spec;

namespace Gac.Core.Tests.Spec;

/// <summary>model.past_kv: a decode-ready export of a Hugging Face folder, refused where it cannot apply.</summary>
public sealed class PastKvSpecTests : IDisposable
{
    private readonly SpecWorkspace _workspace = new();

    public PastKvSpecTests()
    {
        _workspace.File("model.onnx");
        _workspace.File("hf/config.json", "{}");
        _workspace.File("hf/model.safetensors");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Past_kv_defaults_to_false()
    {
        _workspace.WriteSpec(Spec("hf", ""));

        Assert.False(GacSpecLoader.Load(_workspace.SpecPath).Model.PastKeyValues);
    }

    [Fact]
    public void Past_kv_true_on_a_Hugging_Face_folder_is_bound()
    {
        _workspace.WriteSpec(Spec("hf", "  past_kv: true\n"));

        var model = GacSpecLoader.Load(_workspace.SpecPath).Model;

        Assert.Equal((ModelFormat.HfSafetensors, true), (model.Format, model.PastKeyValues));
    }

    [Theory]
    [InlineData("model.onnx", "")]
    [InlineData("model.onnx", "  format: onnx\n")]
    public void Past_kv_true_on_an_ONNX_model_is_GAC0023_at_the_key(string path, string format)
    {
        _workspace.WriteSpec(Spec(path, format + "  past_kv: true\n"));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Code == "GAC0023");
        Assert.Equal(format.Length == 0 ? 4 : 5, diagnostic.Location?.Line);
        Assert.Contains("Hugging Face", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("  prune: { targets: [mlp, heads] }\n", false)]
    [InlineData("  prune: { targets: [mlp] }\n", true)]
    public void Past_kv_with_head_pruning_is_GAC0023_and_with_mlp_pruning_only_is_accepted(string prune, bool accepted)
    {
        _workspace.WriteSpec(Spec("hf", "  past_kv: true\n", "prune", prune));

        var result = GacSpecLoader.TryLoad(_workspace.SpecPath);

        Assert.Equal(accepted, result.Succeeded);
        Assert.Equal(accepted ? 0 : 1, result.Diagnostics.Count(d => d.Code == "GAC0023" && d.Message.Contains("heads", StringComparison.Ordinal)));
    }

    private static string Spec(string path, string modelExtra, string method = "asvd", string compressExtra = "")
        => $"version: 1\nmodel:\n  path: {path}\n{modelExtra}compress:\n  method: {method}\n  ratio: 0.15\n{compressExtra}export:\n  path: out.onnx\n";
}
