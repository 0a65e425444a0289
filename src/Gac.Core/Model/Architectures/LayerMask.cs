namespace Gac.Core.Model.Architectures;

/// <summary>One flag per layer (which layers slide), compared by value so that configs read from equal JSON are equal records.</summary>
public sealed class LayerMask : IEquatable<LayerMask>
{
    private readonly bool[] _flags;

    public LayerMask(IEnumerable<bool> flags) => _flags = flags.ToArray();

    public static LayerMask None { get; } = new([]);

    public int Count => _flags.Length;

    /// <summary>False past the end: a layer the mask does not list is not flagged.</summary>
    public bool this[int layer] => layer >= 0 && layer < _flags.Length && _flags[layer];

    public bool Equals(LayerMask? other) => other is not null && _flags.AsSpan().SequenceEqual(other._flags);

    public override bool Equals(object? obj) => Equals(obj as LayerMask);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var flag in _flags)
        {
            hash.Add(flag);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Concat(_flags.Select(f => f ? '1' : '0'));
}
