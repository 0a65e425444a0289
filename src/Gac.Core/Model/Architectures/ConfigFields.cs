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

    /// <summary>An integer ≥ 0 (max_window_layers may be 0: every layer slides); null when absent.</summary>
    public int? OptionalNonNegativeInt(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 0)
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be an integer ≥ 0, found {value.GetRawText()}.");
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

    /// <summary>Whether the key is written at all (JSON null included): transformers' default applies only when it is absent.</summary>
    public bool Has(string name) => element.TryGetProperty(name, out _);

    /// <summary>The path of a field for messages ("rope_parameters.factor").</summary>
    public string Name(string name) => path + name;

    /// <summary>A list of strings (layer_types); null when absent.</summary>
    public IReadOnlyList<string>? OptionalStringList(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a list of strings, found {value.GetRawText()}.");
        }

        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>A list of positive numbers (LongRoPE's factors); null when absent.</summary>
    public IReadOnlyList<double>? OptionalPositiveDoubleList(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d) || !double.IsFinite(d) || d <= 0))
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a list of positive numbers, found {value.GetRawText()}.");
        }

        return value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    /// <summary>A number of any sign (partial_rotary_factor is checked by the caller); null when absent.</summary>
    public double? OptionalDouble(string name)
    {
        if (Value(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            throw TransformerConfigReader.Malformed(source, $"\"{path}{name}\" must be a number, found {value.GetRawText()}.");
        }

        return d;
    }

    /// <summary>The field's value; null when absent or JSON null (transformers writes null for "not set").</summary>
    private JsonElement? Value(string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
