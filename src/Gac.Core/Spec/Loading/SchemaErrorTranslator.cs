using Gac.Core.Diagnostics;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Turns NJsonSchema's validation errors into GAC0xxx diagnostics at YAML positions, with messages
/// that say what was expected, what was found, and how to fix it.
/// </summary>
internal sealed class SchemaErrorTranslator(JsonProjection projection, JsonSchema rootSchema, DiagnosticSink sink)
{
    private static readonly Dictionary<string, string> PatternWording = new(StringComparer.Ordinal)
    {
        [@"\.onnx$"] = "a file name ending in .onnx",
        [@"\.npy$"] = "a file name ending in .npy",
        [@"^-?[0-9]+(\.[0-9]+)?%$"] = "a factor such as 1.2 or a percent string such as \"20%\"",
        [@"^[0-9]+(\.[0-9]+)?%$"] = "a non-negative number such as 0.5 or a percent string such as \"5%\"",
        [@"^[a-z0-9][a-z0-9._-]*$"] = "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. my-gpu)",
    };

    /// <summary>Tokens that already carry an error, so later checks do not pile more messages onto them.</summary>
    public HashSet<JToken> FailedTokens { get; } = new(ReferenceEqualityComparer.Instance);

    public void Translate(IEnumerable<ValidationError> errors)
    {
        var flat = errors.SelectMany(Flatten).ToList();

        // A value of the wrong type also fails its enum/range rules; the type error is the one to fix.
        var typeFailed = new HashSet<JToken>(flat.Where(e => IsTypeError(e) && e.Token is not null).Select(e => e.Token!), ReferenceEqualityComparer.Instance);
        var reported = new HashSet<(JToken?, ValidationErrorKind, string?)>();
        foreach (var error in flat)
        {
            if (error.Token is { } t && typeFailed.Contains(t) && !IsTypeError(error))
            {
                continue;
            }

            // Properties of a section that is not a mapping at all: the section's type error covers them.
            if (error.Kind == ValidationErrorKind.PropertyRequired && error.Token is not JObject)
            {
                continue;
            }

            if (reported.Add((error.Token, error.Kind, error.Property)))
            {
                Report(error);
            }
        }
    }

    private static bool IsTypeError(ValidationError error) => error.Kind is
        ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected
        or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
        or ValidationErrorKind.NullExpected or ValidationErrorKind.NoTypeValidates;

    /// <summary>
    /// Array items and additional properties come wrapped in child errors. A value checked against
    /// several types ("1.2 or '20%'") fails every type; when the value has one of the allowed types,
    /// the errors for that type are the real ones.
    /// </summary>
    private static IEnumerable<ValidationError> Flatten(ValidationError error)
    {
        switch (error)
        {
            case ChildSchemaValidationError child:
                return child.Errors.SelectMany(e => e.Value).SelectMany(Flatten);
            case MultiTypeValidationError multi when error.Token is { } token:
                var own = multi.Errors.FirstOrDefault(e => Matches(e.Key, token.Type));
                return own.Value is null ? [error] : own.Value.Where(e => !IsTypeError(e)).SelectMany(Flatten).DistinctBy(e => (e.Kind, e.Property));
            default:
                return [error];
        }
    }

    private static bool Matches(JsonObjectType type, JTokenType tokenType) => tokenType switch
    {
        JTokenType.Integer => type is JsonObjectType.Integer or JsonObjectType.Number,
        JTokenType.Float => type == JsonObjectType.Number,
        JTokenType.String => type == JsonObjectType.String,
        JTokenType.Boolean => type == JsonObjectType.Boolean,
        JTokenType.Null => type == JsonObjectType.Null,
        JTokenType.Object => type == JsonObjectType.Object,
        JTokenType.Array => type == JsonObjectType.Array,
        _ => false,
    };

    private void Report(ValidationError error)
    {
        var token = error.Token;
        var origin = token is null ? null : projection.OriginOf(token);
        var path = origin?.Path ?? "";
        var at = origin?.Node.Start ?? new SourcePosition(1, 1);
        if (token is not null)
        {
            FailedTokens.Add(token);
        }

        var schema = error.Schema ?? rootSchema;
        switch (error.Kind)
        {
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
                ReportUnknownKey(error, token, schema, at);
                break;
            case ValidationErrorKind.PropertyRequired:
                ReportMissing(error, schema, path, origin?.KeyOrNodeStart ?? at);
                break;
            case ValidationErrorKind.NotInEnumeration when path != "version":
                ReportNotAllowed(token!, schema, path, at);
                break;
            case var kind when IsTypeError(error):
                ReportWrongType(token!, origin, path, at, kind == ValidationErrorKind.NoTypeValidates
                    ? ((MultiTypeValidationError)error).Errors.Keys.Aggregate(JsonObjectType.None, (a, b) => a | b) : schema.Type);
                break;
            default:
                // A mapping's entry count is about the mapping as a whole, so it points at the mapping's key.
                var position = error.Kind is ValidationErrorKind.TooFewProperties or ValidationErrorKind.TooManyProperties
                    ? origin?.KeyOrNodeStart ?? at
                    : at;
                var (code, message) = Violation(error.Kind, token, schema, path);
                sink.Report(code, message, position);
                break;
        }
    }

    /// <summary>The rules whose message needs only the value, its place and its schema rule: one diagnostic each.</summary>
    private static (DiagnosticDescriptor Code, string Message) Violation(ValidationErrorKind kind, JToken? token, JsonSchema schema, string path)
    {
        var place = SpecWording.Place(path);
        return kind switch
        {
            // Only 'version' reaches here with an enumeration error (see Report).
            ValidationErrorKind.NotInEnumeration => (DiagnosticCatalogue.SpecUnsupportedVersion,
                $"'version' is {SpecWording.Literal(token!)}, but this gac-build reads only gac.yaml version 1. Set `version: 1`, or use the gac-build " +
                $"release the spec was written for."),
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig => (DiagnosticCatalogue.SpecValueOutOfRange,
                $"{place} is {SpecWording.Literal(token!)}, which is out of range: expected a value {Range(schema)}. {Describe(schema)}"),
            ValidationErrorKind.TooFewItems or ValidationErrorKind.TooManyItems => (DiagnosticCatalogue.SpecValueOutOfRange,
                $"{place} has {(token as JArray)?.Count ?? 0} entries; expected {Count(schema.MinItems, schema.MaxItems)}. {Describe(schema)}"),
            ValidationErrorKind.TooFewProperties or ValidationErrorKind.TooManyProperties => (DiagnosticCatalogue.SpecValueOutOfRange,
                $"{place} has {(token as JObject)?.Count ?? 0} entries; expected {Count(schema.MinProperties, schema.MaxProperties)}. {Describe(schema)}"),
            ValidationErrorKind.StringTooShort or ValidationErrorKind.StringTooLong => (DiagnosticCatalogue.SpecValueOutOfRange,
                $"{place} is {SpecWording.Literal(token!)}; expected text of {Count(schema.MinLength ?? 0, schema.MaxLength ?? 0)} characters. " +
                $"{Describe(schema)}"),
            ValidationErrorKind.PatternMismatch => (DiagnosticCatalogue.SpecBadValueForm,
                $"{place} is {SpecWording.Literal(token!)}; expected " +
                $"{PatternWording.GetValueOrDefault(schema.Pattern ?? "", $"text matching the regular expression {schema.Pattern}")}. {Describe(schema)}"),
            ValidationErrorKind.ItemsNotUnique => (DiagnosticCatalogue.SpecDuplicateEntry,
                $"{place} lists the same value more than once; list each value once."),
            _ => (DiagnosticCatalogue.SpecSchemaViolation, $"{place} breaks the schema rule '{kind}'. {Describe(schema)}"),
        };
    }

    private void ReportUnknownKey(ValidationError error, JToken? token, JsonSchema schema, SourcePosition at)
    {
        var name = error.Property ?? "?";
        var parentPath = token?.Parent is { } parent ? projection.OriginOf(parent)?.Path ?? "" : "";
        var allowed = schema.Properties.Keys.ToList();
        var hint = SpellingSuggestion.Closest(name, allowed) is { } near
            ? $" Did you mean '{near}'?"
            : ElsewhereInSchema(name, rootSchema, "") is { } home && home != parentPath
                ? $" '{name}' belongs in '{home}'; move it there."
                : "";
        sink.Report(
            DiagnosticCatalogue.SpecUnknownKey,
            $"Unknown key '{name}' {SpecWording.Within(parentPath)}.{hint} Allowed keys here: {SpecWording.List(allowed)}.",
            at);
    }

    private void ReportMissing(ValidationError error, JsonSchema schema, string path, SourcePosition at)
    {
        var name = error.Property ?? "?";
        var property = schema.Properties.TryGetValue(name, out var found) ? found : null;
        var why = property?.Description is { } d ? $" ({d.TrimEnd('.')})" : "";
        var message = name == "version" && path.Length == 0
            ? "The required field 'version' is missing. Add `version: 1` as the first line."
            : path.Length == 0
                ? $"The spec is missing the required section '{name}'{why}. Add `{name}:` at the top level."
                : $"'{path}' is missing the required field '{name}'{why}. Add `{name}:` under '{path}'.";
        sink.Report(DiagnosticCatalogue.SpecMissingField, message, at);
    }

    private void ReportNotAllowed(JToken token, JsonSchema schema, string path, SourcePosition at)
    {
        var allowed = schema.Enumeration.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "null").ToList();
        var hint = token.Type == JTokenType.String && SpellingSuggestion.Closest((string)token!, allowed) is { } near
            ? $" Did you mean '{near}'?"
            : "";
        sink.Report(
            DiagnosticCatalogue.SpecValueNotAllowed,
            $"{SpecWording.Place(path)} is {SpecWording.Literal(token)}, which is not one of the allowed values: {SpecWording.List(allowed)}.{hint}",
            at);
    }

    private void ReportWrongType(JToken token, TokenOrigin? origin, string path, SourcePosition at, JsonObjectType expected)
    {
        var quoted = origin?.Node is YamlScalar { Quoted: true };
        var hint = "";
        var expectsNumber = expected.HasFlag(JsonObjectType.Number) || expected.HasFlag(JsonObjectType.Integer);
        if (token.Type == JTokenType.String && expectsNumber
            && double.TryParse((string?)token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            hint = " Remove the quotes: numbers are written without them.";
        }
        else if (token.Type == JTokenType.Float && expected.HasFlag(JsonObjectType.Integer))
        {
            hint = " Write a whole number, without a decimal point.";
        }
        else if (expected.HasFlag(JsonObjectType.Object) && token is JValue)
        {
            hint = " Put the settings on indented 'key: value' lines below the key.";
        }
        else if (expected.HasFlag(JsonObjectType.Array) && token is JValue)
        {
            hint = " Write a list, as [a, b] or as indented '- a' lines.";
        }
        else if (expected.HasFlag(JsonObjectType.String) && token is JValue)
        {
            hint = " Put the value in quotes if it is meant as text.";
        }

        var message = path.Length == 0
            ? $"gac.yaml must be a mapping of sections (version, model, compress, export, ...), but it is {SpecWording.Found(token, quoted)}. Start from " +
                $"`gac-build init`."
            : $"{SpecWording.Place(path)} expects {SpecWording.Expected(expected)}, but found {SpecWording.Found(token, quoted)}.{hint}";
        sink.Report(DiagnosticCatalogue.SpecWrongType, message, at);
    }

    /// <summary>Where in the format a key of this exact name lives, for "belongs in 'compress'" hints.</summary>
    private static string? ElsewhereInSchema(string name, JsonSchema schema, string path)
    {
        foreach (var (key, property) in schema.Properties)
        {
            if (key == name)
            {
                return path;
            }

            var child = property.ActualSchema;
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (ElsewhereInSchema(name, child, childPath) is { } found)
            {
                return found;
            }

            if (child.Item?.ActualSchema is { } item && ElsewhereInSchema(name, item, childPath + "[]") is { } inItem)
            {
                return inItem;
            }
        }

        return null;
    }

    private static string Range(JsonSchema schema)
    {
        var parts = new List<string>();
        if (schema.ExclusiveMinimum is { } exclusiveMin)
        {
            parts.Add($"> {SpecWording.Number(exclusiveMin)}");
        }
        else if (schema.Minimum is { } min)
        {
            parts.Add($"{(schema.IsExclusiveMinimum ? ">" : ">=")} {SpecWording.Number(min)}");
        }

        if (schema.ExclusiveMaximum is { } exclusiveMax)
        {
            parts.Add($"< {SpecWording.Number(exclusiveMax)}");
        }
        else if (schema.Maximum is { } max)
        {
            parts.Add($"{(schema.IsExclusiveMaximum ? "<" : "<=")} {SpecWording.Number(max)}");
        }

        return parts.Count == 0 ? "in range" : string.Join(" and ", parts);
    }

    private static string Count(int min, int max) => (min, max) switch
    {
        ( > 0, > 0) => $"between {min} and {max}",
        ( > 0, _) => $"at least {min}",
        (_, > 0) => $"at most {max}",
        _ => "a different number of",
    };

    private static string Describe(JsonSchema schema)
        => schema.Description is { } d ? $"({d.TrimEnd('.')}.)" : "";
}
