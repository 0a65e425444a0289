using System.Globalization;

namespace Gac.Core.Spec;

/// <summary>
/// A gate limit written either as a plain number (<c>1.2</c>) or as a percent string (<c>"20%"</c>).
/// <see cref="Text"/> keeps the user's spelling for reports. What the number means depends on the
/// check, so the two readings are explicit methods rather than one implicit conversion.
/// </summary>
public sealed record Threshold(double Value, bool IsPercent, string Text)
{
    /// <summary>Speedup reading: <c>1.2</c> is 1.2x; <c>"20%"</c> is 1.2x; <c>"-5%"</c> tolerates a 5% slowdown (0.95x).</summary>
    public double AsSpeedupFactor() => IsPercent ? 1.0 + (Value / 100.0) : Value;

    /// <summary>Increase reading: a plain number is absolute; a percent is relative to <paramref name="baseline"/>.</summary>
    public double AllowedIncrease(double baseline) => IsPercent ? baseline * Value / 100.0 : Value;

    public static Threshold FromNumber(double value)
        => new(value, false, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Parses <c>"20%"</c>; the schema's pattern has already checked the form.</summary>
    public static Threshold FromPercentText(string text)
        => new(double.Parse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture), true, text);

    public override string ToString() => Text;
}
