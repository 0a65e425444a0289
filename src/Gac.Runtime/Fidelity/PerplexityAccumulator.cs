using Gac.Core.Diagnostics;

namespace Gac.Runtime.Fidelity;

/// <summary>
/// Perplexity = exp(mean next-token cross-entropy): the logits at position t score token t+1, so a
/// sequence of length S contributes S−1 predictions. Log-softmax uses the max-shift so large logits
/// do not overflow.
/// </summary>
public sealed class PerplexityAccumulator
{
    private double _negativeLogLikelihood;
    private long _predictions;

    public long Predictions => _predictions;

    public double Perplexity => _predictions == 0 ? double.NaN : Math.Exp(_negativeLogLikelihood / _predictions);

    /// <param name="logits">[batch, seq, vocab], row-major.</param>
    /// <param name="tokenIds">[batch, seq], row-major.</param>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<long> tokenIds, int batch, int sequence, int vocab)
    {
        if (sequence < 2 || vocab < 1 || logits.Length != (long)batch * sequence * vocab || tokenIds.Length != batch * sequence)
        {
            throw GacException.Create(
                DiagnosticCatalogue.PerplexityInputsInvalid,
                $"Expected logits [{batch},{sequence},{vocab}] ({(long)batch * sequence * vocab} values, got {logits.Length}) and token ids " +
                    $"[{batch},{sequence}] ({batch * sequence}, got {tokenIds.Length}), with seq ≥ 2.");
        }

        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t + 1 < sequence; t++)
            {
                var next = tokenIds[b * sequence + t + 1];
                if (next < 0 || next >= vocab)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.PerplexityInputsInvalid,
                        $"Token id {next} at [{b},{t + 1}] is outside the vocabulary of {vocab}.");
                }

                var row = logits.Slice((b * sequence + t) * vocab, vocab);
                _negativeLogLikelihood += LogSumExp(row) - row[(int)next];
                _predictions++;
            }
        }
    }

    private static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = row[0];
        foreach (var x in row)
        {
            max = Math.Max(max, x);
        }

        double sum = 0;
        foreach (var x in row)
        {
            sum += Math.Exp(x - max);
        }

        return max + Math.Log(sum);
    }
}
