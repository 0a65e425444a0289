using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Pipeline.Text;

namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// validation.pooling: auto reads the pooling a sentence-transformers model declares in
/// 1_Pooling/config.json (sentence_transformers.models.Pooling's flags) beside the model.
/// </summary>
public sealed class DeclaredPoolingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-pooling-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void No_declaration_beside_the_model_is_null()
        => Assert.Null(DeclaredPooling.Beside(Path.Combine(_folder, "model.onnx")));

    [Theory]
    [InlineData("""{ "word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false }""",
        SentencePooling.Mean)]
    [InlineData("""{ "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false }""", SentencePooling.Cls)]
    public void A_declared_mean_or_cls_pooling_is_used(string config, SentencePooling expected)
    {
        Declare(config);

        Assert.Equal(expected, DeclaredPooling.Beside(Path.Combine(_folder, "model.onnx")));
    }

    [Theory]
    [InlineData("""{ "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": true }""", "pooling_mode_max_tokens")]
    [InlineData("""{ "pooling_mode_mean_tokens": true, "pooling_mode_cls_token": true }""", "both mean and cls")]
    [InlineData("""{ "pooling_mode_mean_tokens": true, "pooling_mode_mean_sqrt_len_tokens": true }""", "pooling_mode_mean_sqrt_len_tokens")]
    public void Another_or_a_combined_pooling_is_GAC4044_naming_it(string config, string named)
    {
        var path = Declare(config);

        var error = Assert.Throws<GacException>(() => DeclaredPooling.Beside(Path.Combine(_folder, "model.onnx")));

        Assert.Equal("GAC4044", error.Diagnostics[0].Code);
        Assert.Contains(named, error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Diagnostics[0].Location!.File);
    }

    private string Declare(string config)
    {
        var path = Path.Combine(_folder, "1_Pooling", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, config);
        return path;
    }
}
