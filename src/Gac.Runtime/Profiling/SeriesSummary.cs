using Gac.Core.Hardware;

namespace Gac.Runtime.Profiling;

/// <summary>
/// One line's worth of a measured series: its range and how many points sit on a latency cliff by
/// the planner's rule (a larger dimension of the same series is faster by more than the tolerance,
/// CandidateSweep), i.e. how many candidates this staircase would drop.
/// </summary>
public sealed record SeriesSummary(string Key, int Points, long MinDimension, long MaxDimension, double FastestMs, double SlowestMs, int CliffPoints)
{
    /// <param name="tolerance">The planner's cliff tolerance (PlannerOptions.CliffTolerance, 0.02).</param>
    public static SeriesSummary Of(LatencySeries series, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.Points.OrderBy(p => p.Dimension).ToArray();
        if (points.Length == 0)
        {
            return new SeriesSummary(series.Key, 0, 0, 0, 0, 0, 0);
        }

        // Walking from the largest dimension down, a point is on a cliff when the fastest larger one beats it by more than the tolerance.
        var cliffs = 0;
        var fastestLarger = double.PositiveInfinity;
        for (var i = points.Length - 1; i >= 0; i--)
        {
            if (fastestLarger < points[i].Milliseconds * (1 - tolerance))
            {
                cliffs++;
            }

            fastestLarger = Math.Min(fastestLarger, points[i].Milliseconds);
        }

        return new SeriesSummary(
            series.Key,
            points.Length,
            points[0].Dimension,
            points[^1].Dimension,
            points.Min(p => p.Milliseconds),
            points.Max(p => p.Milliseconds),
            cliffs);
    }
}
