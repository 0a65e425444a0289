using System.Text.Json;
using Gac.Core.Diagnostics;

namespace Gac.Core.Model.Architectures;

/// <summary>Typed access to one JSON object of config.json; a wrong type or range is GAC1208 naming the field.</summary>
internal sealed class ConfigFields(JsonElement element, string source, string path = "")
{
    public string Source => source;

    public int PositiveInt(string name)
        => OptionalPositiveInt(name) ?? throw TransformerConfigReader.Malformed(source, $"required field \"{path}{name}\" is missing.");

    public double PositiveDouble(string name)
        => OptionalPositiveDouble(name) ?? throw GacException.Create(
            DiagnosticCatalogue.RopeScalingUnsupported,
            $"'{source}': \"{path}{name}\" is missing.",
            new SourceLocation(source));

    public int? OptionalPositiveInt(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n <= 0)
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a positive integer, found {value.GetRawText()}.");
        }

        return n;
    }

    public double? OptionalPositiveDouble(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || !double.IsFinite(d) || d <= 0)
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a positive number, found {value.GetRawText()}.");
        }

        return d;
    }

    public bool? OptionalBool(string name)
        => Value(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            var other => throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be true or false, found {other.Value.GetRawText()}."),
        };

    public string? OptionalString(string name)
        => Value(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            var other => throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a string, found {other.Value.GetRawText()}."),
        };

    public ConfigFields? Object(string name)
        => Value(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Object } o => new ConfigFields(o, source, $"{path}{name}."),
            var other => throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be an object or null, found {other.Value.GetRawText()}."),
        };

    /// <summary>The field's value; null when absent or JSON null (transformers writes null for "not set").</summary>
    private JsonElement? Value(string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
