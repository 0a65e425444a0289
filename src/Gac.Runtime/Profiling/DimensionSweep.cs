using System.Globalization;

namespace Gac.Runtime.Profiling;

/// <summary>
/// The dimensions d (ranks) a profile measures for each shape: "from:to:step" (inclusive) or a list
/// "64,128,192". The planner looks a candidate up by exact d, so the sweep must contain every
/// candidate it should judge: step 8 covers every generic-8 candidate.
/// </summary>
public sealed record DimensionSweep(IReadOnlyList<long> Dimensions)
{
    /// <summary>Step of the default sweep: the required multiple of generic-8 and of fp16 tensor cores (BuiltInProfiles).</summary>
    public const long DefaultStep = 8;

    /// <summary>Upper end of the default sweep; ranks above it are rare in compressed 7–70B models (GAC paper, Table 1 ranks ≤ 2048).</summary>
    public const long DefaultLimit = 2048;

    /// <summary>Without --dims: every multiple of 8 from 8 to min(K, N, 2048).</summary>
    public static DimensionSweep DefaultFor(GemmShape shape)
    {
        var top = Math.Min(shape.MaxRank, DefaultLimit);
        var dims = new List<long>();
        for (var d = DefaultStep; d <= top; d += DefaultStep)
        {
            dims.Add(d);
        }

        return new DimensionSweep(dims.Count > 0 ? dims : [shape.MaxRank]);
    }

    /// <summary>The dimensions that are valid ranks of <paramref name="shape"/> (1 … min(K, N)).</summary>
    public IReadOnlyList<long> For(GemmShape shape) => Dimensions.Where(d => d <= shape.MaxRank).ToArray();

    /// <summary>Parses "from:to:step" or a comma list; sorted and distinct. Throws <see cref="FormatException"/>.</summary>
    public static DimensionSweep Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        IEnumerable<long> dims;
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            var parts = trimmed.Split(':');
            if (parts.Length != 3)
            {
                throw new FormatException($"Dimension range '{text}' is not from:to:step (e.g. 64:2048:8).");
            }

            var (from, to, step) = (Positive(parts[0], text), Positive(parts[1], text), Positive(parts[2], text));
            if (to < from)
            {
                throw new FormatException($"Dimension range '{text}' ends ({to}) before it starts ({from}).");
            }

            // 100,000 points is far beyond any useful sweep and keeps a typo (step 0 is already rejected) from running for days.
            if ((to - from) / step >= 100_000)
            {
                throw new FormatException($"Dimension range '{text}' has more than 100000 points; use a larger step.");
            }

            dims = Enumerable.Range(0, (int)((to - from) / step) + 1).Select(i => from + (i * step));
        }
        else
        {
            dims = trimmed.Split(',', StringSplitOptions.TrimEntries).Select(p => Positive(p, text)).ToArray();
        }

        return new DimensionSweep(dims.Distinct().Order().ToArray());
    }

    private static long Positive(string part, string text)
        => long.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FormatException($"Dimension list '{text}': '{part}' is not a positive whole number (use from:to:step like 64:2048:8, or a list like " +
                $"64,128,256).");
}
