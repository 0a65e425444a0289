using Gac.Runtime.Fidelity;
using TorchSharp;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Per-byte perplexity exactly as the pipeline's perplexity gate measures it: consecutive,
/// non-overlapping windows of the context length (a trailing partial window is dropped), each scored
/// from its own first token, exp of the mean negative log-likelihood over every prediction
/// (<see cref="PerplexityAccumulator"/>, the gate's own code). So the model card's number and a
/// gac-build report's "original" perplexity are the same quantity, on the same or a sub-range of windows.
/// The logits come from the reference forward as at inference (float32 RoPE angles, like the ONNX graph).
/// </summary>
public static class Perplexity
{
    /// <summary>Windows evaluated per forward call; only memory depends on it.</summary>
    private const int WindowsPerBatch = 16;

    public static (double Perplexity, long Predictions) OfModel(LlamaWeights model, byte[] tokens, int context)
    {
        using var noGrad = torch.no_grad();
        var perplexity = new PerplexityAccumulator();
        var windows = tokens.Length / context;
        for (var first = 0; first < windows; first += WindowsPerBatch)
        {
            using var scope = torch.NewDisposeScope();
            var batch = Math.Min(WindowsPerBatch, windows - first);
            var ids = Ids(tokens.AsSpan(first * context, batch * context));
            var logits = model.InferenceLogits(torch.tensor(ids, [batch, context]));
            perplexity.Add(logits.contiguous().data<float>().ToArray(), ids, batch, context, model.Config.VocabSize);
        }

        return (perplexity.Perplexity, perplexity.Predictions);
    }

    /// <summary>
    /// A context-free baseline on the same windows and predictions: byte frequencies of the training
    /// text with add-one smoothing (Laplace), fed to the accumulator as log-probability logits.
    /// </summary>
    public static double OfUnigram(byte[] train, byte[] heldOut, int vocab, int context)
    {
        var counts = new double[vocab];
        foreach (var b in train)
        {
            counts[b]++;
        }

        var total = train.Length + (double)vocab;
        var logProbabilities = counts.Select(c => (float)Math.Log((c + 1) / total)).ToArray();
        var row = Enumerable.Repeat(logProbabilities, context).SelectMany(p => p).ToArray();
        var perplexity = new PerplexityAccumulator();
        for (var first = 0; first + context <= heldOut.Length; first += context)
        {
            perplexity.Add(row, Ids(heldOut.AsSpan(first, context)), 1, context, vocab);
        }

        return perplexity.Perplexity;
    }

    private static long[] Ids(ReadOnlySpan<byte> bytes)
    {
        var ids = new long[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = bytes[i];
        }

        return ids;
    }
}
