using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Cli.Hosting;

/// <summary>The arguments of one command after parsing against its declared options.</summary>
public sealed class ParsedArguments
{
    private readonly Dictionary<string, string?> _options;

    public ParsedArguments(IReadOnlyList<string> positionals, Dictionary<string, string?> options)
    {
        Positionals = positionals;
        _options = options;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    public int? IntValue(string option, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Value(option);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw ArgumentError($"option {option} expects a whole number between {min} and {max}, found '{text}'.");
        }

        return value;
    }

    public double? DoubleValue(string option, double min, double max)
    {
        var text = Value(option);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw ArgumentError($"option {option} expects a number between {min.ToString(CultureInfo.InvariantCulture)} and " +
                $"{max.ToString(CultureInfo.InvariantCulture)}, found '{text}'.");
        }

        return value;
    }

    public static GacException ArgumentError(string message)
        => GacException.Create(DiagnosticCatalogue.BadArgument, message);
}
