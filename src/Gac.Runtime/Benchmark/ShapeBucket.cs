using System.Globalization;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// Values for a model's symbolic input dimensions, e.g. batch=1, seq=128. A benchmark runs once
/// per bucket because GPU kernel choice (and GAC's gain) depends on the token count M.
/// </summary>
public sealed record ShapeBucket(IReadOnlyDictionary<string, long> Dimensions)
{
    /// <summary>"batch=1,seq=128"; a dim named as a sum of others ("past_sequence + seq") follows from them and is left out.</summary>
    public string Name => string.Join(',', Dimensions.Where(d => !d.Key.Contains('+', StringComparison.Ordinal)).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key}={d.Value}")));

    /// <summary>Parses "batch=1,seq=128".</summary>
    public static ShapeBucket Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dims = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !long.TryParse(pieces[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new FormatException($"Shape bucket entry '{part}' is not name=positive-integer.");
            }

            dims[pieces[0]] = value;
        }

        return new ShapeBucket(dims);
    }

    public override string ToString() => Name;
}
