using System.Globalization;
using Gac.Core.Diagnostics;

namespace Gac.Core.Gate;

/// <summary>
/// A goal's number as gac.yaml writes it and the gate reads it, in one of two forms, as Olive's metric goals allow: an absolute value (a speedup
/// ratio of 1.2, a perplexity increase of 0.5) or a percentage relative to the baseline ("20%").
/// </summary>
public sealed record Threshold(double Value, bool IsPercent)
{
    public static Threshold Absolute(double value) => new(value, false);

    /// <summary>Speedup reading: <c>1.2</c> is 1.2x; <c>"20%"</c> is 1.2x; <c>"-5%"</c> tolerates a 5% slowdown (0.95x).</summary>
    public double AsSpeedupFactor() => IsPercent ? 1.0 + (Value / 100.0) : Value;

    /// <summary>Increase reading: a plain number is absolute; a percent is relative to <paramref name="baseline"/>.</summary>
    public double AllowedIncrease(double baseline) => IsPercent ? baseline * Value / 100.0 : Value;

    public static Threshold Percent(double value) => new(value, true);

    /// <summary>Parses "1.2" or "20%" (invariant culture, optional spaces before %).</summary>
    public static Threshold Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var isPercent = trimmed.EndsWith('%');
        var number = isPercent ? trimmed[..^1].TrimEnd() : trimmed;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw GacException.Create(DiagnosticCatalogue.ThresholdInvalid, $"Goal threshold '{text}' is neither a number nor a percentage such as \"20%\".");
        }

        return new Threshold(value, isPercent);
    }

    public override string ToString()
        => IsPercent
            ? string.Create(CultureInfo.InvariantCulture, $"{Value:0.###}%")
            : Value.ToString("0.###", CultureInfo.InvariantCulture);
}
