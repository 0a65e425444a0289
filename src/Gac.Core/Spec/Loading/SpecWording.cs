using System.Globalization;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Gac.Core.Spec.Loading;

/// <summary>How values, types and places are spelled in messages, so every diagnostic reads alike.</summary>
internal static class SpecWording
{
    /// <summary>Each schema type in the words a YAML author knows, in the order a message lists them.</summary>
    private static readonly (JsonObjectType Type, string Words)[] TypeWords =
    [
        (JsonObjectType.Object, "a mapping (indented 'key: value' lines)"),
        (JsonObjectType.Array, "a list"),
        (JsonObjectType.Integer, "a whole number"),
        (JsonObjectType.Number, "a number"),
        (JsonObjectType.String, "text"),
        (JsonObjectType.Boolean, "true or false"),
        (JsonObjectType.Null, "null"),
    ];

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
        // "integer or number" says no more than "a whole number": an integer is the narrower promise.
        var words = TypeWords
            .Where(w => type.HasFlag(w.Type) && !(w.Type == JsonObjectType.Number && type.HasFlag(JsonObjectType.Integer)))
            .Select(w => w.Words)
            .ToList();
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
