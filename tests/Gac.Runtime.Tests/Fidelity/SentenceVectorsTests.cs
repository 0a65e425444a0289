using Gac.Core.Diagnostics;
using Gac.Runtime.Fidelity;

namespace Gac.Runtime.Tests.Fidelity;

/// <summary>
/// Pooling token vectors into sentence vectors as sentence-transformers defines it: mean pooling sums
/// the token embeddings where attention_mask is 1 and divides by the number of such tokens (Reimers &amp;
/// Gurevych 2019; sentence_transformers.models.Pooling); cls takes the first token.
/// </summary>
public sealed class SentenceVectorsTests
{
    // Two sentences, seq 3, hidden 2: sentence 0 has tokens 0–1, sentence 1 only token 0.
    private static readonly float[] Tokens = [1, 2, 3, 4, 100, 100, /* row 1 */ 5, 6, 70, 80, 90, 90];
    private static readonly long[] Mask = [1, 1, 0, 1, 0, 0];

    [Fact]
    public void Mean_pooling_averages_only_the_tokens_the_attention_mask_keeps()
    {
        var (values, shape) = SentenceVectors.Pool(Tokens, [2, 3, 2], Mask, SentencePooling.Mean, "last_hidden_state");

        Assert.Equal([2L, 2], shape);
        Assert.Equal([2f, 3f, 5f, 6f], values);
    }

    [Fact]
    public void Cls_pooling_takes_the_first_token()
    {
        var (values, _) = SentenceVectors.Pool(Tokens, [2, 3, 2], Mask, SentencePooling.Cls, "last_hidden_state");

        Assert.Equal([1f, 2f, 5f, 6f], values);
    }

    [Fact]
    public void Pooling_an_output_that_is_not_token_vectors_is_GAC4044()
    {
        var error = Assert.Throws<GacException>(() => SentenceVectors.Pool(new float[4], [2, 2], Mask, SentencePooling.Mean, "pooled"));

        Assert.Equal("GAC4044", error.Diagnostics[0].Code);
    }

    [Fact]
    public void The_mean_row_cosine_averages_each_sentences_cosine()
    {
        var metrics = new FidelityMetrics();

        // Sentence 0 identical (cosine 1), sentence 1 orthogonal (cosine 0): mean 0.5.
        metrics.Add([1, 0, 0, 1], [2, 0, 1, 0], lastAxis: 2);

        Assert.Equal(0.5, metrics.MeanRowCosine, precision: 12);
    }
}
