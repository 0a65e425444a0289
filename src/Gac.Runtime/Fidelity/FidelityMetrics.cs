namespace Gac.Runtime.Fidelity;

/// <summary>
/// Accumulates output agreement between a reference and a candidate over several samples. Sums are
/// kept in double: a language model's logits have millions of elements and float sums lose the
/// small differences being measured.
/// </summary>
public sealed class FidelityMetrics
{
    private double _squaredDifference;
    private double _referenceSquared;
    private double _candidateSquared;
    private double _dot;
    private long _rows;
    private long _agreeingRows;
    private double _rowCosineSum;

    public double MaxAbsDiff { get; private set; }

    public long Elements { get; private set; }

    /// <summary>‖c − r‖₂ / ‖r‖₂; 0 when both are zero.</summary>
    public double RelativeL2Error => _referenceSquared == 0 ? (_squaredDifference == 0 ? 0 : double.PositiveInfinity)
        : Math.Sqrt(_squaredDifference / _referenceSquared);

    /// <summary>r·c / (‖r‖‖c‖) over the flattened outputs; 1 when both are zero.</summary>
    public double Cosine => _referenceSquared == 0 || _candidateSquared == 0
        ? (_referenceSquared == _candidateSquared ? 1 : 0)
        : _dot / Math.Sqrt(_referenceSquared * _candidateSquared);

    /// <summary>Share of rows (all axes but the last) whose argmax over the last axis agrees.</summary>
    public double Top1Agreement => _rows == 0 ? 1 : (double)_agreeingRows / _rows;

    /// <summary>
    /// The mean over rows of each row's cosine: for pooled sentence vectors [batch, hidden], the mean
    /// sentence similarity between original and candidate embeddings (how sentence encoders are compared).
    /// </summary>
    public double MeanRowCosine => _rows == 0 ? 1 : _rowCosineSum / _rows;

    /// <param name="lastAxis">Length of the last axis (classes or vocabulary); rows are consecutive runs of it.</param>
    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate, int lastAxis)
    {
        if (reference.Length != candidate.Length)
        {
            throw new ArgumentException($"Outputs differ in length: {reference.Length} vs {candidate.Length}.");
        }

        if (lastAxis <= 0 || reference.Length % lastAxis != 0)
        {
            throw new ArgumentException($"Last axis {lastAxis} does not divide {reference.Length} elements.");
        }

        for (var i = 0; i < reference.Length; i++)
        {
            double r = reference[i];
            double c = candidate[i];
            var d = c - r;
            _squaredDifference += d * d;
            _referenceSquared += r * r;
            _candidateSquared += c * c;
            _dot += r * c;
            MaxAbsDiff = Math.Max(MaxAbsDiff, Math.Abs(d));
        }

        for (var start = 0; start < reference.Length; start += lastAxis)
        {
            _rows++;
            _rowCosineSum += CosineOf(reference.Slice(start, lastAxis), candidate.Slice(start, lastAxis));
            if (ArgMax(reference.Slice(start, lastAxis)) == ArgMax(candidate.Slice(start, lastAxis)))
            {
                _agreeingRows++;
            }
        }

        Elements += reference.Length;
    }

    private static double CosineOf(ReadOnlySpan<float> reference, ReadOnlySpan<float> candidate)
    {
        double dot = 0, rr = 0, cc = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            dot += (double)reference[i] * candidate[i];
            rr += (double)reference[i] * reference[i];
            cc += (double)candidate[i] * candidate[i];
        }

        return rr == 0 || cc == 0 ? (rr == cc ? 1 : 0) : dot / Math.Sqrt(rr * cc);
    }

    internal static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
