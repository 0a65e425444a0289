namespace Gac.Core.Spec.Loading;

/// <summary>"Did you mean 'ratio'?" — the closest allowed word by optimal-string-alignment distance, else one it abbreviates.</summary>
internal static class SpellingSuggestion
{
    public static string? Closest(string word, IReadOnlyList<string> candidates)
    {
        // Up to one edit for short words, two for typical keys, three for long ones; more than that
        // suggests unrelated words and would mislead.
        var allowed = word.Length <= 3 ? 1 : word.Length <= 8 ? 2 : 3;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        if (bestDistance <= allowed)
        {
            return best;
        }

        // "nvidia-ampere" for "nvidia-ampere-fp16": a truncated name is not a typo, but it is clear.
        return word.Length >= 3
            ? candidates.FirstOrDefault(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <summary>Levenshtein distance where swapping two adjacent letters ("raito") counts as one edit.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
