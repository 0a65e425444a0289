using Gac.Core.Diagnostics;

namespace Gac.Core.Calibration;

/// <summary>
/// Streaming per-channel statistics of one linear layer's input X[tokens, in_features]: the row
/// count, Σ|x| and Σx² per input channel. Batches are folded in as they arrive and dropped, so
/// memory is O(in_features) however much calibration data flows through. ASVD scales channels by
/// mean |x|; Wanda-style importance weighs |w| by ‖x‖ = sqrt(Σx²).
/// Not thread-safe: give each worker its own accumulator and <see cref="Merge"/> them.
/// </summary>
public sealed class ActivationStatistics
{
    private readonly double[] _absoluteSum;
    private readonly double[] _squareSum;

    public ActivationStatistics(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        _absoluteSum = new double[channels];
        _squareSum = new double[channels];
    }

    public int Channels => _absoluteSum.Length;

    /// <summary>Rows (tokens) seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a row-major batch [rows, <see cref="Channels"/>].</summary>
    public void Accumulate(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Channels != 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationShapeMismatch,
                $"a batch of {rows.Length} values is not a whole number of rows of width {Channels}.");
        }
        // Sum the batch first, so that a NaN batch leaves the accumulator untouched.
        var batchAbs = new double[Channels];
        var batchSquare = new double[Channels];
        for (var start = 0; start < rows.Length; start += Channels)
        {
            var row = rows.Slice(start, Channels);
            for (var c = 0; c < row.Length; c++)
            {
                double x = row[c];
                batchAbs[c] += Math.Abs(x);
                batchSquare[c] += x * x;
            }
        }
        var bad = Array.FindIndex(batchSquare, s => !double.IsFinite(s));
        if (bad >= 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationNotFinite,
                $"channel {bad} of a calibration batch holds NaN or infinity (or overflows when squared).");
        }
        for (var c = 0; c < Channels; c++)
        {
            _absoluteSum[c] += batchAbs[c];
            _squareSum[c] += batchSquare[c];
        }
        Count += rows.Length / Channels;
    }

    /// <summary>Folds in another accumulator of the same layer, as if its rows had been seen here.</summary>
    public void Merge(ActivationStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Channels != Channels)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationShapeMismatch,
                $"cannot merge statistics of width {other.Channels} into width {Channels}.");
        }
        for (var c = 0; c < Channels; c++)
        {
            _absoluteSum[c] += other._absoluteSum[c];
            _squareSum[c] += other._squareSum[c];
        }
        Count += other.Count;
    }

    /// <summary>mean |x| per channel.</summary>
    public double[] AbsMean() => PerRow(_absoluteSum);

    /// <summary>mean x² per channel (the second moment, not the variance).</summary>
    public double[] MeanSquare() => PerRow(_squareSum);

    /// <summary>‖x_c‖₂ over all rows seen, per channel: sqrt(Σx²).</summary>
    public double[] Norm()
    {
        RequireRows();
        return _squareSum.Select(Math.Sqrt).ToArray();
    }

    private double[] PerRow(double[] sums)
    {
        RequireRows();
        return sums.Select(s => s / Count).ToArray();
    }

    private void RequireRows()
    {
        if (Count == 0)
        {
            throw GacException.Create(DiagnosticCatalogue.CalibrationEmpty, $"no calibration rows were accumulated for this {Channels}-channel input.");
        }
    }
}
