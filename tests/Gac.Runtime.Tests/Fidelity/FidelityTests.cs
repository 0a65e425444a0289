using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;

namespace Gac.Runtime.Tests.Fidelity;

public sealed class FidelityTests
{
    private readonly OrtSessionFactory _factory = new(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));

    [Fact]
    public void Identical_outputs_have_zero_error_and_unit_cosine()
    {
        var metrics = new FidelityMetrics();
        float[] values = [0.5f, -1, 2, 3, 0, 1];

        metrics.Add(values, values, lastAxis: 3);

        Assert.Equal(0, metrics.RelativeL2Error);
        Assert.Equal(1, metrics.Cosine, 12);
        Assert.Equal(1, metrics.Top1Agreement);
        Assert.Equal(0, metrics.MaxAbsDiff);
    }

    [Fact]
    public void Hand_computed_case()
    {
        // r = [3, 4 | 1, 0], c = [3, 5 | 0, 1]: ‖c−r‖ = √3, ‖r‖ = √26, r·c = 29, ‖c‖ = √35;
        // row 1 argmax agrees (1 = 1), row 2 does not (0 ≠ 1); max |c−r| = 1.
        var metrics = new FidelityMetrics();

        metrics.Add([3, 4, 1, 0], [3, 5, 0, 1], lastAxis: 2);

        Assert.Equal(Math.Sqrt(3.0 / 26), metrics.RelativeL2Error, 12);
        Assert.Equal(29 / Math.Sqrt(26.0 * 35), metrics.Cosine, 12);
        Assert.Equal(0.5, metrics.Top1Agreement);
        Assert.Equal(1, metrics.MaxAbsDiff);
    }

    [Fact]
    public void Uniform_logits_give_perplexity_equal_to_the_vocabulary()
    {
        var perplexity = new PerplexityAccumulator();

        perplexity.Add(new float[2 * 4 * 5], [0, 1, 2, 3, 4, 3, 2, 1], batch: 2, sequence: 4, vocab: 5);

        Assert.Equal(6, perplexity.Predictions);
        Assert.Equal(5, perplexity.Perplexity, 9);
    }

    [Fact]
    public void Hand_computed_perplexity()
    {
        // vocab 2, logits [ln 3, 0] at every position: p(0) = 3/4, p(1) = 1/4.
        // ids [x, 0, 1]: predictions p = 3/4 then 1/4 → ppl = exp((ln 4/3 + ln 4) / 2) = √(16/3).
        var l = (float)Math.Log(3);
        var perplexity = new PerplexityAccumulator();

        perplexity.Add([l, 0, l, 0, l, 0], [1, 0, 1], batch: 1, sequence: 3, vocab: 2);

        Assert.Equal(Math.Sqrt(16.0 / 3), perplexity.Perplexity, 6); // float logits: 1e-6
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_GAC4010()
    {
        var error = Assert.Throws<GacException>(() => new PerplexityAccumulator().Add(new float[6], [0, 5, 1], 1, 3, 2));

        Assert.Equal("GAC4010", error.Diagnostics[0].Code);
    }

    [Fact]
    public void Doubling_the_weight_doubles_the_output_relative_error_1_cosine_1()
    {
        var weight = TinyOnnx.Weights(16 * 8, 4);
        using var original = _factory.Open(TinyOnnx.MatMul(16, 8, weight), "original");
        using var doubled = _factory.Open(TinyOnnx.MatMul(16, 8, weight.Select(w => 2 * w).ToArray()), "gac");

        var result = FidelityEvaluator.Evaluate(original, doubled, new FidelitySettings(ShapeBucket.Parse("batch=4"), Samples: 3));

        // Exact in real arithmetic; float32 MatMul rounding stays far below 1e-5.
        Assert.Equal(1, result.RelativeL2Error, 5);
        Assert.Equal(1, result.Cosine, 5);
        Assert.Equal(1, result.Top1Agreement);
        Assert.Equal(3, result.Samples);
        Assert.Null(result.PerplexityOriginal);
    }

    [Fact]
    public void Language_model_perplexity_comes_from_logits_and_the_input_token_ids()
    {
        const int vocab = 6;
        using var uniform = _factory.Open(TinyOnnx.BigramLm(vocab, new float[vocab * vocab]), "original");
        using var bigram = _factory.Open(TinyOnnx.BigramLm(vocab, TinyOnnx.Weights(vocab * vocab, 9, 3)), "gac");

        var result = FidelityEvaluator.Evaluate(uniform, bigram, new FidelitySettings(ShapeBucket.Parse("batch=2,seq=16"), Samples: 2,
            Domains: InputDomains.WithVocabulary(["input_ids"], vocab), TokenIdsInput: "input_ids"));

        // All-zero logits predict every token with probability 1/vocab: perplexity = vocab (float: 1e-5).
        Assert.Equal(vocab, result.PerplexityOriginal!.Value, 5);
        Assert.NotNull(result.PerplexityCandidate);
        Assert.NotEqual(vocab, result.PerplexityCandidate!.Value, 3);
    }

    [Fact]
    public void Outputs_of_different_shapes_are_GAC4009()
    {
        using var original = _factory.Open(TinyOnnx.MatMul(4, 3, TinyOnnx.Weights(12, 1)), "original");
        using var other = _factory.Open(TinyOnnx.MatMul(4, 2, TinyOnnx.Weights(8, 1)), "gac");

        var error = Assert.Throws<GacException>(() => FidelityEvaluator.Evaluate(original, other, new FidelitySettings(ShapeBucket.Parse("batch=1"),
            Samples: 1)));

        Assert.Equal("GAC4009", error.Diagnostics[0].Code);
    }
}
