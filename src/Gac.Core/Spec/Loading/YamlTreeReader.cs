using Gac.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Builds a <see cref="YamlNode"/> tree from YamlDotNet's event parser rather than its representation
/// model: the representation model stops at the first duplicate key (it throws), and we want to
/// report every duplicate, keep positions for all nodes, and type scalars ourselves.
/// </summary>
internal sealed class YamlTreeReader
{
    /// <summary>A valid spec nests 4 levels (alignment.profiles[i].name); 32 leaves room and keeps recursion bounded on hostile input.</summary>
    private const int MaxDepth = 32;

    private readonly TrackingParser _parser;
    private readonly DiagnosticSink _sink;
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private bool _tooDeepReported;

    private YamlTreeReader(TrackingParser parser, DiagnosticSink sink)
    {
        _parser = parser;
        _sink = sink;
    }

    /// <summary>The root node, or null when the file holds no document or could not be parsed (reported).</summary>
    public static YamlNode? Read(string text, DiagnosticSink sink)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        var reader = new YamlTreeReader(parser, sink);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException ex)
        {
            var at = ex.Start.Index > 0 || parser.LastGood is null ? Position(ex.Start) : Fallback(text, parser.LastGood, ex.Message);
            sink.Report(DiagnosticCatalogue.SpecYamlSyntax, SyntaxMessage(ex), at);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            // YamlDotNet signals some malformed input (an unclosed '{' before a new line, for one)
            // with general exceptions that carry no position and no useful message.
            sink.Report(
                DiagnosticCatalogue.SpecYamlSyntax,
                "The file is not valid YAML from here on: look for an unclosed '{', '[' or quote, or a value that needs quoting.",
                parser.LastGood is { } last ? Position(last.Start) : new SourcePosition(1, 1));
            return null;
        }
    }

    /// <summary>Where to point when YamlDotNet lost the position: the first tab-indented line after the last good event, or that event.</summary>
    private static SourcePosition Fallback(string text, ParsingEvent lastGood, string message)
    {
        var from = (int)Math.Clamp(lastGood.Start.Line, 1, int.MaxValue);
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            var lines = text.Split('\n');
            for (var i = from - 1; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && tab < indent)
                {
                    return new SourcePosition(i + 1, tab + 1);
                }
            }
        }

        return Position(lastGood.Start);
    }

    private YamlNode? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        _parser.Consume<DocumentStart>();
        var root = ReadNode("", 0);
        _parser.Consume<DocumentEnd>();
        if (_parser.Accept<DocumentStart>(out var second))
        {
            _sink.Report(
                DiagnosticCatalogue.SpecMultipleDocuments,
                "A second YAML document starts here ('---'); gac.yaml must be a single document. Remove the '---' separator and everything after it, or move " +
                    "it to its own file.",
                Position(second.Start));
        }

        return root;
    }

    private YamlNode ReadNode(string path, int depth)
    {
        if (depth > MaxDepth)
        {
            var start = _parser.Current?.Start ?? Mark.Empty;
            if (!_tooDeepReported)
            {
                _sink.Report(
                    DiagnosticCatalogue.SpecTooComplex,
                    $"The value at {Describe(path)} nests more than {MaxDepth} levels deep; no gac.yaml setting does. Flatten it.",
                    Position(start));
                _tooDeepReported = true;
            }

            _parser.SkipThisAndNestedEvents();
            return new YamlScalar(Position(start), "", null, quoted: false);
        }

        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (_anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            throw new YamlException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' refers to no anchor '&{alias.Value.Value}' defined before it.");
        }

        YamlNode node;
        NodeEvent opening;
        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            opening = scalar;
            var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
            node = new YamlScalar(Position(scalar.Start), scalar.Value, ScalarTyping.Resolve(scalar.Value, scalar.Style, tag),
                scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any));
        }
        else if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            opening = sequenceStart;
            var items = new List<YamlNode>();
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode($"{path}[{items.Count}]", depth + 1));
            }

            node = new YamlSequence(Position(sequenceStart.Start), items);
        }
        else
        {
            var mappingStart = _parser.Consume<MappingStart>();
            opening = mappingStart;
            node = new YamlMapping(Position(mappingStart.Start), ReadEntries(path, depth));
        }

        if (!opening.Anchor.IsEmpty)
        {
            _anchors[opening.Anchor.Value] = node;
        }

        return node;
    }

    private List<YamlEntry> ReadEntries(string path, int depth)
    {
        var entries = new List<YamlEntry>();
        var seen = new Dictionary<string, YamlEntry>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(path, depth + 1);
            if (keyNode is not YamlScalar key)
            {
                _sink.Report(
                    DiagnosticCatalogue.SpecKeyNotScalar,
                    $"A key {SpecWording.Within(path)} is a {(keyNode is YamlSequence ? "list" : "mapping")}; keys must be plain names such as 'ratio'.",
                    keyNode.Start);
                ReadNode(path, depth + 1);
                continue;
            }

            var name = key.Text;
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            var value = ReadNode(childPath, depth + 1);
            if (seen.TryGetValue(name, out var first))
            {
                _sink.Report(
                    DiagnosticCatalogue.SpecDuplicateKey,
                    $"The key '{name}' appears twice {SpecWording.Within(path)} (first at line {first.Key.Start.Line}); YAML does not allow repeated keys. " +
                        $"Keep one of the two entries.",
                    key.Start);
                continue;
            }

            var entry = new YamlEntry(name, key, value);
            seen.Add(name, entry);
            entries.Add(entry);
        }

        return entries;
    }

    private static string Describe(string path) => SpecWording.Place(path);

    private static SourcePosition Position(Mark mark)
        => new((int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    /// <summary>YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; the position goes in our own prefix.</summary>
    private static string SyntaxMessage(YamlException ex)
    {
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0)
        {
            message = message[(marker + 3)..];
        }

        return $"The file is not valid YAML: {message.TrimEnd('.')}. Check the indentation (spaces only, no tabs), quotes and brackets around this position.";
    }
}
