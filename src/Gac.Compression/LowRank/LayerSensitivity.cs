namespace Gac.Compression.LowRank;

/// <summary>
/// How much one layer suffers at each parameter ratio of ASVD's grid: Scores[i] is the (normalised)
/// error at Ratios[i]; ratio 1.0 means "keep dense" and scores 0.
/// </summary>
/// <param name="ErrorCurve">Normalised error at every rank 0..min(K,N) when the spectrum is known;
/// used to spend leftover budget one rank at a time. Null for measured scores without a spectrum.</param>
public sealed record LayerSensitivity(
    string Name,
    long Rows,
    long Columns,
    IReadOnlyList<double> Ratios,
    IReadOnlyList<double> Scores,
    double[]? ErrorCurve = null)
{
    /// <summary>ASVD's grid (GAC-METHOD §5 gives 0.4…1.0; the brief widens it to 0.1…1.0).</summary>
    public static IReadOnlyList<double> DefaultRatios { get; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    public long DenseParameters => Rows * Columns;

    /// <summary>Parameters at a grid ratio: dense at 1.0, else rank·(K+N).</summary>
    public long ParametersAt(double ratio) => ratio >= 1.0 ? DenseParameters : RankRatio.RankForRatio(ratio, Rows, Columns) * (Rows + Columns);

    /// <summary>Scores from the spectrum of the (scaled) weight: normalised truncation error at each grid rank.</summary>
    public static LayerSensitivity FromSpectrum(LowRankDecomposition decomposition, IReadOnlyList<double>? ratios = null)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        var grid = ratios ?? DefaultRatios;
        var scores = grid.Select(p => p >= 1.0 ? 0.0 : decomposition.NormalizedError(RankRatio.RankForRatio(p, decomposition.Rows, decomposition.Columns)))
            .ToArray();
        return new LayerSensitivity(decomposition.Name, decomposition.Rows, decomposition.Columns, grid, scores, decomposition.ErrorCurve());
    }

    /// <summary>
    /// Scores measured as relative output error ‖X·W − X·A·B‖/‖X·W‖ on calibration rows at each grid
    /// rank: costlier (one factorization and product per ratio) but sees the real inputs.
    /// </summary>
    public static LayerSensitivity FromOutputError(
        LowRankDecomposition decomposition,
        ReadOnlySpan<float> calibrationRows,
        IReadOnlyList<double>? ratios = null)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        var grid = ratios ?? DefaultRatios;
        var scores = new double[grid.Count];
        for (var i = 0; i < grid.Count; i++)
        {
            var rank = Math.Min(decomposition.MaxRank, RankRatio.RankForRatio(grid[i], decomposition.Rows, decomposition.Columns));
            scores[i] = grid[i] >= 1.0 ? 0
                : rank == 0 ? 1 // nothing kept: the whole output is lost
                : decomposition.OutputError(rank, calibrationRows);
        }
        return new LayerSensitivity(decomposition.Name, decomposition.Rows, decomposition.Columns, grid, scores, decomposition.ErrorCurve());
    }
}
