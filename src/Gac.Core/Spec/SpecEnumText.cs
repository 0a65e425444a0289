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
