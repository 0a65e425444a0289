using System.Text;

namespace Gac.Core.Spec;

/// <summary>
/// Maps between gac.yaml's kebab-case spellings (<c>round-up</c>, <c>hf-safetensors</c>) and the
/// enum members (<c>RoundUp</c>, <c>HfSafetensors</c>), so reports print what the user wrote.
/// </summary>
public static class SpecEnumText
{
    public static TEnum Parse<TEnum>(string text)
        where TEnum : struct, Enum
    {
        var compact = text.Replace("-", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse<TEnum>(compact, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new ArgumentException($"'{text}' is not a {typeof(TEnum).Name}.", nameof(text));
    }

    /// <summary>
    /// The member whose gac.yaml spelling is exactly <paramref name="text"/> (command-line options
    /// take the spec's words, e.g. --provider cuda), or false.
    /// </summary>
    public static bool TryParseExact<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var member in Enum.GetValues<TEnum>())
        {
            if (string.Equals(ToText(member), text, StringComparison.Ordinal))
            {
                value = member;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Every member's spelling, for messages: "auto, cuda or cpu".</summary>
    public static string Choices<TEnum>()
        where TEnum : struct, Enum
    {
        var words = Enum.GetValues<TEnum>().Select(ToText).ToArray();
        return words.Length == 1 ? words[0] : $"{string.Join(", ", words[..^1])} or {words[^1]}";
    }

    public static string ToText<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
