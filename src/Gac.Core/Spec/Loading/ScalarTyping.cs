using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Gives plain scalars their YAML 1.2 core-schema type (yaml.org/spec/1.2.2 §10.3.2): null, booleans,
/// integers (decimal, 0o octal, 0x hex) and floats. Quoted scalars stay strings, so <c>"0.15"</c> is
/// reported as text, not silently accepted as a number. YAML 1.1's yes/no/on/off are strings here,
/// on purpose: <c>provider: no</c> must not become <c>false</c>.
/// </summary>
internal static partial class ScalarTyping
{
    private const string StringTag = "tag:yaml.org,2002:str";

    public static object? Resolve(string text, ScalarStyle style, string? tag)
    {
        if (style is not (ScalarStyle.Plain or ScalarStyle.Any) || tag == StringTag || tag == "!")
        {
            return text;
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
        }

        if (DecimalInteger().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? (object)integer
                : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (OctalInteger().IsMatch(text))
        {
            return ParseRadix(text[2..], 8) ?? (object)text;
        }

        if (HexInteger().IsMatch(text))
        {
            return ParseRadix(text[2..], 16) ?? (object)text;
        }

        if (Float().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return real;
        }

        return text;
    }

    private static long? ParseRadix(string digits, int radix)
    {
        long value = 0;
        foreach (var c in digits)
        {
            var digit = Convert.ToInt32(c.ToString(), 16);
            if (value > (long.MaxValue - digit) / radix)
            {
                return null;
            }

            value = (value * radix) + digit;
        }

        return value;
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex("^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalInteger();

    [GeneratedRegex("^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();
}
