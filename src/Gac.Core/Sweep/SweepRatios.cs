using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Sweep;

/// <summary>The compression ratios a sweep measures: distinct, in (0, 1), in increasing order.</summary>
public static class SweepRatios
{
    /// <summary>When none are given: 5% to 30% in steps of 5% (ASVD's grid allows up to 60%).</summary>
    public static IReadOnlyList<double> Default { get; } = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

    public const int MaxCount = 40;

    /// <summary>Parses "0.05,0.1,…"; GAC0090 names the first entry that is not a ratio.</summary>
    public static IReadOnlyList<double> Parse(string text, string where = "--ratios")
    {
        ArgumentNullException.ThrowIfNull(text);
        var ratios = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio))
            {
                throw Invalid($"{where}: '{part}' is not a number (in '{text}').");
            }

            ratios.Add(ratio);
        }

        return Check(ratios, where);
    }

    /// <summary>Sorted ascending; GAC0090 for none, too many, out of (0, 1) or repeated.</summary>
    public static IReadOnlyList<double> Check(IReadOnlyList<double> ratios, string where = "--ratios")
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (ratios.Count is 0 or > MaxCount)
        {
            throw Invalid($"{where}: {ratios.Count} ratios given; give 1 to {MaxCount}.");
        }

        if (ratios.Where(r => !(r is > 0 and < 1)).Cast<double?>().FirstOrDefault() is { } outside)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{where}: {outside} is not a compression ratio in (0, 1)."));
        }

        var repeated = ratios.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{where}: {repeated.Key} is given {repeated.Count()} times."));
        }

        return ratios.Order().ToArray();
    }

    private static GacException Invalid(string message) => GacException.Create(DiagnosticCatalogue.SweepRatiosInvalid, message);
}
