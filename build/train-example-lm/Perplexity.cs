using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Gac.Examples.TrainLm;

/// <summary>Per-token (here per-byte) perplexity exp(mean negative log-likelihood).</summary>
public static class Perplexity
{
    /// <summary>
    /// Sliding windows of the model's context with stride context/2; each token is scored once, by
    /// the first window that reaches it, so all but the first half-window see at least context/2
    /// tokens of history (the strided evaluation of HF's perplexity guide).
    /// </summary>
    public static (double Perplexity, long Tokens) OfModel(LlamaForward model, byte[] tokens, int context)
    {
        using var noGrad = torch.no_grad();
        var stride = context / 2;
        var (nll, scored) = (0.0, 0L);
        var scoredUpTo = 1; // the first token has no history and is never a target
        for (var begin = 0; scoredUpTo < tokens.Length; begin += stride)
        {
            using var scope = torch.NewDisposeScope();
            var end = Math.Min(begin + context + 1, tokens.Length);
            var window = tokens.AsSpan(begin, end - begin).ToArray().Select(b => (long)b).ToArray();
            var ids = torch.tensor(window[..^1], [1, window.Length - 1]);
            var targets = torch.tensor(window[1..]);
            var losses = F.cross_entropy(model.Logits(ids).view(-1, model.VocabSize), targets, reduction: nn.Reduction.None);
            var first = scoredUpTo - (begin + 1);
            var count = end - scoredUpTo;
            nll += losses.narrow(0, first, count).sum().to(float64).item<double>();
            scored += count;
            scoredUpTo = end;
        }
        return (Math.Exp(nll / scored), scored);
    }

    /// <summary>
    /// A context-free baseline: byte frequencies of the training text with add-one smoothing
    /// (Laplace), scored on the held-out text.
    /// </summary>
    public static double OfUnigram(byte[] train, byte[] heldOut, int vocab)
    {
        var counts = new double[vocab];
        foreach (var b in train)
        {
            counts[b]++;
        }
        var total = train.Length + (double)vocab;
        var nll = heldOut.Skip(1).Sum(b => -Math.Log((counts[b] + 1) / total));
        return Math.Exp(nll / (heldOut.Length - 1));
    }
}
