using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gac.Core.Spec.Loading;

/// <summary>
/// Remembers the last event parsed successfully. Some YamlDotNet errors carry no position (a tab in
/// the indentation reports line 1, an unclosed flow mapping throws InvalidOperationException); the
/// last good event is then the best place to point at.
/// </summary>
internal sealed class TrackingParser(IParser inner) : IParser
{
    public ParsingEvent? Current => inner.Current;

    public ParsingEvent? LastGood { get; private set; }

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        if (moved && inner.Current is { } current)
        {
            LastGood = current;
        }

        return moved;
    }
}
