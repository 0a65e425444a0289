using Gac.Core.Spec;

namespace Gac.Pipeline.Tests;

/// <summary>The bundled trained model (examples/models/tiny-llama): a real Hugging Face checkpoint, real text.</summary>
public sealed class TrainedLanguageModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-lm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Asvd_with_gac_on_the_trained_model_keeps_held_out_perplexity_close_to_the_original()
    {
        var spec = Spec("asvd", "gate:\n  max_perplexity_increase: \"15%\"");

        var result = await GacPipeline.RunAsync(spec);

        Assert.True(result.Accepted, string.Join("; ", result.Report.Gate.Goals.Select(g => g.Reason)));
        var fidelity = result.Report.Fidelity!;
        // The model card measures 7.0 per byte on the held-out text; a unigram model gets 25.6, so an
        // import or export that scrambled the weights would land far above 10.
        Assert.InRange(fidelity.PerplexityOriginal!.Value, 3.0, 10.0);
        // Removing 15% of the linear weights costs a few percent of perplexity, not a collapse.
        Assert.InRange(fidelity.PerplexityCandidate!.Value, fidelity.PerplexityOriginal.Value, fidelity.PerplexityOriginal.Value * 1.15);
        Assert.Equal(100, result.Report.Plan!.AlignedPercentAfter);
        Assert.True(result.Report.Plan.MisalignedBefore > 0);
        // GAC's promise is speed at the same quality: aligning under the same budget must not cost
        // perplexity against ASVD's own misaligned ranks (the objective that summed unsquared
        // normalised errors cost 1% here by leaving most layers dense and cutting a few hard).
        var unaligned = result.Report.FidelityUnaligned!.PerplexityCandidate!.Value;
        Assert.True(fidelity.PerplexityCandidate.Value <= unaligned * 1.002, $"GAC {fidelity.PerplexityCandidate:F4} vs unaligned ASVD {unaligned:F4}");
    }

    [Fact]
    public async Task A_perplexity_goal_rejects_a_compression_that_costs_too_much()
    {
        var spec = Spec("asvd", "gate:\n  max_perplexity_increase: \"0.1%\"");

        var result = await GacPipeline.RunAsync(spec);

        Assert.False(result.Accepted);
        var goal = Assert.Single(result.Report.Gate.Goals);
        Assert.Equal("failed", goal.Status);
    }

    [Fact]
    public async Task Real_text_through_the_checkpoints_tokenizer_json_measures_what_the_same_token_ids_measure()
    {
        var model = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");
        const string gate = "gate:\n  max_perplexity_increase: \"50%\"";
        var fromText = await GacPipeline.RunAsync(Spec("asvd", gate, $"text: {Path.Combine(model, "heldout.txt")}", "text"));
        var fromTokens = await GacPipeline.RunAsync(Spec("asvd", gate, $"tokens: {Path.Combine(model, "heldout.tokens")}", "tokens"));

        // heldout.txt is the text of heldout.tokens, and tokenizer.json (found beside config.json) maps
        // each byte to its id: calibration, compression and the held-out perplexities are the same run.
        Assert.Equal(fromTokens.Report.Fidelity!.PerplexityOriginal, fromText.Report.Fidelity!.PerplexityOriginal);
        Assert.Equal(fromTokens.Report.Fidelity.PerplexityCandidate, fromText.Report.Fidelity.PerplexityCandidate);
        Assert.Equal(fromTokens.Report.FidelityUnaligned!.PerplexityCandidate, fromText.Report.FidelityUnaligned!.PerplexityCandidate);
        Assert.Equal(12, fromText.Report.Fidelity.Samples);
        Assert.Null(fromText.Report.Fidelity.SentenceCosine);
    }

    private GacSpec Spec(string method, string gate, string? source = null, string name = "gac")
    {
        var model = Path.Combine(RepositoryRoot(), "examples", "models", "tiny-llama");
        var path = Path.Combine(_folder, name + ".yaml");
        source ??= $"tokens: {Path.Combine(model, "heldout.tokens")}";
        File.WriteAllText(path, $"""
            version: 1
            model:
              path: {model}
            calibration:
              samples: 4
              {source}
              dims: {"{"} batch: 1, seq: 128 {"}"}
            compress:
              method: {method}
              ratio: 0.15
            export:
              path: out/{name}/model.onnx
            validation:
              provider: cpu
              warmup: 1
              iterations: 5
              heldout_samples: 12
            {gate}
            """);
        return GacSpecLoader.Load(path);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gac.Build.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Gac.Build.sln not found above the test folder.");
    }
}
