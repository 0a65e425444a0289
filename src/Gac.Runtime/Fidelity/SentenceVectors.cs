using Gac.Core.Diagnostics;
using Gac.Core.Spec;

namespace Gac.Runtime.Fidelity;

/// <summary>
/// An encoder's token outputs [batch, seq, hidden] pooled to one vector per sentence [batch, hidden],
/// the way a sentence encoder's user consumes them. Mean: the average over the tokens whose attention
/// mask is 1 (sentence-transformers' Pooling with pooling_mode_mean_tokens: Σ mask·h / max(Σ mask, 1e-9));
/// cls: the first token's vector (pooling_mode_cls_token).
/// </summary>
public static class SentenceVectors
{
    public static (float[] Values, long[] Shape) Pool(float[] tokens, long[] shape, ReadOnlySpan<long> mask, SentencePooling pooling, string outputName)
    {
        if (shape.Length != 3 || mask.Length != shape[0] * shape[1])
        {
            throw GacException.Create(
                DiagnosticCatalogue.PoolingUnsupported,
                $"Output '{outputName}' is [{string.Join(", ", shape)}]; {SpecEnumText.ToText(pooling)} pooling needs token vectors [batch, seq, hidden] " +
                    $"matching the attention mask ({mask.Length} entries). Set validation.pooling: none.");
        }

        var (batch, seq, hidden) = ((int)shape[0], (int)shape[1], (int)shape[2]);
        var pooled = new float[batch * hidden];
        for (var b = 0; b < batch; b++)
        {
            var row = pooled.AsSpan(b * hidden, hidden);
            if (pooling == SentencePooling.Cls)
            {
                tokens.AsSpan(b * seq * hidden, hidden).CopyTo(row);
                continue;
            }

            // Summed in double: a float sum of up to seq vectors would lose the small differences compared.
            var sum = new double[hidden];
            double count = 0;
            for (var t = 0; t < seq; t++)
            {
                var weight = mask[(b * seq) + t];
                if (weight == 0)
                {
                    continue;
                }

                count += weight;
                var token = tokens.AsSpan(((b * seq) + t) * hidden, hidden);
                for (var h = 0; h < hidden; h++)
                {
                    sum[h] += weight * token[h];
                }
            }

            for (var h = 0; h < hidden; h++)
            {
                row[h] = (float)(sum[h] / Math.Max(count, 1e-9));
            }
        }

        return (pooled, [batch, hidden]);
    }
}
