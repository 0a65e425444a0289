using System.Globalization;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Gac.Core.Spec.Loading;

/// <summary>How values, types and places are spelled in messages, so every diagnostic reads alike.</summary>
internal static class SpecWording
{
    public static string Place(string path) => path.Length == 0 ? "the top level" : $"'{path}'";

    /// <summary>"at the top level" / "in 'compress'", for things found inside a mapping.</summary>
    public static string Within(string path) => path.Length == 0 ? "at the top level" : $"in '{path}'";

    public static string Literal(JToken token) => token switch
    {
        JValue { Type: JTokenType.String } v => $"'{(string?)v}'",
        JValue { Type: JTokenType.Null } => "null",
        JValue { Type: JTokenType.Boolean } v => (bool)v ? "true" : "false",
        JValue v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? "?",
        JObject => "a mapping",
        JArray => "a list",
        _ => token.Type.ToString(),
    };

    public static string Found(JToken token, bool quoted) => token switch
    {
        JValue { Type: JTokenType.String } v => $"the text '{(string?)v}'{(quoted ? " (quoted)" : "")}",
        JValue { Type: JTokenType.Integer } v => $"the whole number {Literal(v)}",
        JValue { Type: JTokenType.Float } v => $"the number {Literal(v)}",
        JValue { Type: JTokenType.Boolean } v => $"the boolean {Literal(v)}",
        JValue { Type: JTokenType.Null } => "an empty value",
        JObject => "a mapping (indented 'key: value' lines)",
        JArray => "a list",
        _ => token.Type.ToString(),
    };

    public static string Expected(JsonObjectType type)
    {
        var words = new List<string>();
        if (type.HasFlag(JsonObjectType.Object))
        {
            words.Add("a mapping (indented 'key: value' lines)");
        }

        if (type.HasFlag(JsonObjectType.Array))
        {
            words.Add("a list");
        }

        if (type.HasFlag(JsonObjectType.Integer))
        {
            words.Add("a whole number");
        }
        else if (type.HasFlag(JsonObjectType.Number))
        {
            words.Add("a number");
        }

        if (type.HasFlag(JsonObjectType.String))
        {
            words.Add("text");
        }

        if (type.HasFlag(JsonObjectType.Boolean))
        {
            words.Add("true or false");
        }

        if (type.HasFlag(JsonObjectType.Null))
        {
            words.Add("null");
        }

        return words.Count switch
        {
            0 => "a value",
            1 => words[0],
            _ => string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1],
        };
    }

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string List(IEnumerable<string> items) => string.Join(", ", items);
}
