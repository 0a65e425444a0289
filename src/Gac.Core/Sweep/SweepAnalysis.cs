using System.Globalization;

namespace Gac.Core.Sweep;

/// <summary>
/// Marks the Pareto fronts over every compressed variant of a sweep and picks the recommended ratio.
/// A variant is on the quality–latency front when no other variant is at least as good in quality and
/// at least as fast, and strictly better in one; likewise for quality–parameters. The original is the
/// reference, not a contender: a sweep asks which compressed model to ship.
/// </summary>
public static class SweepAnalysis
{
    public static IReadOnlyList<SweepPoint> MarkFronts(IReadOnlyList<SweepPoint> points, SweepQuality quality)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(quality);
        var all = points.SelectMany(p => new[] { p.Unaligned, p.Aligned }).ToList();
        SweepVariant Mark(SweepVariant v) => v with
        {
            ParetoQualityLatency = !all.Any(o => Dominates(o, v, quality, x => x.P50Ms)),
            ParetoQualityParameters = !all.Any(o => Dominates(o, v, quality, x => x.LinearParameters)),
        };
        return points.Select(p => p with { Unaligned = Mark(p.Unaligned), Aligned = Mark(p.Aligned) }).ToList();
    }

    /// <summary>True when <paramref name="a"/> is no worse than <paramref name="b"/> in quality and cost and strictly better in one.</summary>
    public static bool Dominates(SweepVariant a, SweepVariant b, SweepQuality quality, Func<SweepVariant, double> cost)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(quality);
        ArgumentNullException.ThrowIfNull(cost);
        return quality.AtLeastAsGood(a.Quality, b.Quality) && cost(a) <= cost(b)
            && (quality.Better(a.Quality, b.Quality) || cost(a) < cost(b));
    }

    /// <summary>
    /// The smallest (fewest linear parameters; ties: better quality) and the fastest (lowest median
    /// latency; ties: fewer parameters) aligned variant that passes every gate goal.
    /// </summary>
    public static SweepRecommendation Recommend(IReadOnlyList<SweepPoint> points, SweepQuality quality)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(quality);
        var passing = points.Where(p => p.Aligned.PassesGate == true).ToList();
        if (passing.Count == 0)
        {
            return new SweepRecommendation(null, null, "no aligned variant passes the gate goals: lower the ratios swept, or relax the gate");
        }

        var smallest = passing
            .OrderBy(p => p.Aligned.LinearParameters)
            .ThenBy(p => quality.HigherIsBetter ? -p.Aligned.Quality : p.Aligned.Quality)
            .First();
        var fastest = passing.OrderBy(p => p.Aligned.P50Ms).ThenBy(p => p.Aligned.LinearParameters).First();
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{passing.Count} of {points.Count} aligned variants pass the gate goals; smallest: ratio {smallest.Ratio:0.###} ({smallest.Aligned.LinearParameters:N0} linear parameters), fastest: ratio {fastest.Ratio:0.###} (p50 {fastest.Aligned.P50Ms:0.###} ms)");
        return new SweepRecommendation(smallest.Ratio, fastest.Ratio, reason);
    }
}
