namespace Gac.Core.Spec.Loading;

/// <summary>
/// The spec as parsed YAML, before any meaning is given to it. Every node keeps its position so that
/// schema errors, which NJsonSchema reports against JSON tokens, can be traced back to a line.
/// </summary>
internal abstract class YamlNode(SourcePosition start)
{
    public SourcePosition Start { get; } = start;
}

/// <summary>A scalar with its YAML 1.2 core-schema type already resolved (see <see cref="ScalarTyping"/>).</summary>
internal sealed class YamlScalar(SourcePosition start, string text, object? value, bool quoted) : YamlNode(start)
{
    public string Text { get; } = text;

    /// <summary>null, bool, long, double or string.</summary>
    public object? Value { get; } = value;

    public bool Quoted { get; } = quoted;
}

internal sealed class YamlSequence(SourcePosition start, IReadOnlyList<YamlNode> items) : YamlNode(start)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;
}

internal sealed class YamlMapping(SourcePosition start, IReadOnlyList<YamlEntry> entries) : YamlNode(start)
{
    public IReadOnlyList<YamlEntry> Entries { get; } = entries;
}

/// <summary>One key/value pair; duplicates have already been dropped and reported.</summary>
internal sealed record YamlEntry(string Name, YamlScalar Key, YamlNode Value);
