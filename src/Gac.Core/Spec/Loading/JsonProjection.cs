using Gac.Core.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Gac.Core.Spec.Loading;

/// <summary>Where a JSON token came from: its YAML node, its user-facing path, and the key that introduced it.</summary>
internal sealed record TokenOrigin(YamlNode Node, string Path, YamlScalar? Key)
{
    /// <summary>For a section, the line of its key reads better than the line of its first child.</summary>
    public SourcePosition KeyOrNodeStart => Key?.Start ?? Node.Start;
}

/// <summary>
/// The YAML tree as a Newtonsoft <see cref="JToken"/> (what NJsonSchema validates), plus a map from
/// every token back to its YAML origin. NJsonSchema hands back the failing token; the map turns it
/// into a line and column.
/// </summary>
internal sealed class JsonProjection
{
    /// <summary>Aliases may repeat a node many times ("billion laughs"); no real spec comes near this many nodes.</summary>
    private const int MaxTokens = 20_000;

    private readonly Dictionary<JToken, TokenOrigin> _origins = new(ReferenceEqualityComparer.Instance);
    private int _count;

    private JsonProjection()
    {
    }

    public JToken Root { get; private set; } = JValue.CreateNull();

    public TokenOrigin? OriginOf(JToken token) => _origins.GetValueOrDefault(token);

    /// <summary>Registers a token made after projection (an empty section standing in for a null one).</summary>
    public void Alias(JToken token, TokenOrigin origin) => _origins[token] = origin;

    public static JsonProjection? Project(YamlNode root, DiagnosticSink sink)
    {
        var projection = new JsonProjection();
        var token = projection.Convert(root, "", null);
        if (token is null)
        {
            sink.Report(
                DiagnosticCatalogue.SpecTooComplex,
                $"The document expands to more than {MaxTokens} values (through aliases such as *name); a gac.yaml has a few dozen. Write the values out.",
                root.Start);
            return null;
        }

        projection.Root = token;
        return projection;
    }

    private JToken? Convert(YamlNode node, string path, YamlScalar? key)
    {
        if (++_count > MaxTokens)
        {
            return null;
        }

        JToken token;
        switch (node)
        {
            case YamlMapping mapping:
                var obj = new JObject();
                foreach (var entry in mapping.Entries)
                {
                    var childPath = path.Length == 0 ? entry.Name : $"{path}.{entry.Name}";
                    var child = Convert(entry.Value, childPath, entry.Key);
                    if (child is null)
                    {
                        return null;
                    }

                    var property = new JProperty(entry.Name, child);
                    _origins[property] = new TokenOrigin(entry.Key, childPath, entry.Key);
                    obj.Add(property);
                }

                token = obj;
                break;
            case YamlSequence sequence:
                var array = new JArray();
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    var item = Convert(sequence.Items[i], $"{path}[{i}]", null);
                    if (item is null)
                    {
                        return null;
                    }

                    array.Add(item);
                }

                token = array;
                break;
            case YamlScalar scalar:
                token = scalar.Value switch
                {
                    null => JValue.CreateNull(),
                    bool b => new JValue(b),
                    long l => new JValue(l),
                    double d => new JValue(d),
                    _ => new JValue(scalar.Text),
                };
                break;
            default:
                throw new InvalidOperationException($"Unexpected YAML node {node.GetType().Name}.");
        }

        _origins[token] = new TokenOrigin(node, path, key);
        return token;
    }
}
