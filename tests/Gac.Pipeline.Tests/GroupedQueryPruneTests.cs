using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Pipeline.Tests;

/// <summary>
/// Head pruning assumes each query head owns its k and v columns; in grouped-query attention several query heads share one
/// k/v head (tiny-llama: 4 query heads on 2 k/v heads, config.json num_key_value_heads), so pruning a query head would cut
/// columns other heads read. Such a model is refused with GAC2501 naming the projection, before any weight is rewritten.
/// </summary>
public sealed class GroupedQueryPruneTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-gqa-prune-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("[heads]")]
    [InlineData("[mlp, heads]")]
    public void Pruning_heads_of_a_grouped_query_llama_is_refused_with_GAC2501(string targets)
    {
        var spec = Spec(targets);

        var error = Assert.Throws<GacException>(() => GacPipeline.Plan(spec));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("GAC2501", diagnostic.Code);
        Assert.Contains("grouped-query attention", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("k_proj' has 64 outputs, not 4 heads × 32", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("compress.prune.targets: [mlp]", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pruning_only_the_mlp_of_the_same_model_plans()
    {
        var plan = GacPipeline.Plan(Spec("[mlp]"));

        Assert.NotEmpty(plan.AlignedRanks);
        Assert.Equal(100, plan.AlignedPercentAfter);
    }

    private GacSpec Spec(string targets)
    {
        var model = Path.Combine(FetchedModels.RepositoryRoot, "examples", "models", "tiny-llama");
        var path = Path.Combine(_folder, "gac.yaml");
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {model}
            calibration:
              samples: 2
              tokens: {Path.Combine(model, "calib.tokens")}
              dims: {"{"} batch: 1, seq: 32 {"}"}
            compress:
              method: prune
              ratio: 0.15
              prune: {"{"} targets: {targets} {"}"}
            alignment:
              strategy: gac
              profile: generic-8
            export:
              path: out/model.onnx
            validation:
              provider: cpu
            gate:
              min_aligned_percent: 100
            """);
        return GacSpecLoader.Load(path);
    }
}
