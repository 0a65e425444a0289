using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Applies the schema's <c>default</c> values, so the defaults users see in their editor are, by
/// construction, the ones the loader uses.
/// </summary>
internal static class SchemaDefaults
{
    /// <summary>
    /// <c>gate:</c> with every line under it commented out is YAML null; treat such a section as
    /// empty rather than report a type error for what is clearly "no settings".
    /// </summary>
    public static void TreatNullSectionsAsEmpty(JToken token, JsonSchema schema, JsonProjection projection)
    {
        if (token is JObject obj)
        {
            foreach (var (name, property) in schema.Properties)
            {
                var child = property.ActualSchema;
                if (!obj.TryGetValue(name, StringComparison.Ordinal, out var value))
                {
                    continue;
                }

                if (value.Type == JTokenType.Null && child.Type == JsonObjectType.Object)
                {
                    var empty = new JObject();
                    if (projection.OriginOf(value) is { } origin)
                    {
                        projection.Alias(empty, origin);
                    }

                    obj[name] = empty;
                    value = empty;
                }

                TreatNullSectionsAsEmpty(value, child, projection);
            }
        }
        else if (token is JArray array && schema.Item?.ActualSchema is { } item)
        {
            foreach (var element in array)
            {
                TreatNullSectionsAsEmpty(element, item, projection);
            }
        }
    }

    /// <summary>Adds every absent property that has a default, creating absent optional sections on the way.</summary>
    public static void Fill(JObject obj, JsonSchema schema)
    {
        foreach (var (name, property) in schema.Properties)
        {
            var child = property.ActualSchema;
            if (!obj.TryGetValue(name, StringComparison.Ordinal, out var value))
            {
                if (property.Default is { } fallback)
                {
                    obj[name] = fallback is JToken t ? t.DeepClone() : JToken.FromObject(fallback);
                }
                else if (child.Type == JsonObjectType.Object && !property.IsRequired)
                {
                    var section = new JObject();
                    obj[name] = section;
                    Fill(section, child);
                }

                continue;
            }

            if (value is JObject nested)
            {
                Fill(nested, child);
            }
            else if (value is JArray array && child.Item?.ActualSchema is { } item)
            {
                foreach (var element in array.OfType<JObject>())
                {
                    Fill(element, item);
                }
            }
        }
    }
}
