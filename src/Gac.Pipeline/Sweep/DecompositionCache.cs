using Gac.Compression.LowRank;

namespace Gac.Pipeline.Sweep;

/// <summary>
/// Keeps each layer's decomposition from the spectrum pass so the budget sweep cuts the factors of
/// every ratio from it: one decomposition per layer for the whole sweep. It holds native tensors
/// (the scaled weight and a min(K,N)² basis) for every layer at once, so it keeps them only up to
/// <paramref name="limitBytes"/>; a layer beyond it is decomposed again when its factors are cut,
/// and <see cref="Decompositions"/> says so.
/// </summary>
internal sealed class DecompositionCache(long limitBytes) : IDisposable
{
    private readonly Dictionary<string, LowRankDecomposition> _kept = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Decompositions computed over the sweep (the layer count when every one was kept).</summary>
    public int Decompositions { get; private set; }

    /// <summary>Layers whose decomposition did not fit the memory limit.</summary>
    public int Dropped { get; private set; }

    public void Decomposed() => Decompositions++;

    /// <summary>Takes ownership when it fits; false leaves disposal to the caller.</summary>
    public bool Keep(LowRankDecomposition decomposition)
    {
        // fp64 upper bound for the weight copy and the basis the decomposition holds.
        var bytes = 8L * (((long)decomposition.Rows * decomposition.Columns) + ((long)decomposition.MaxRank * decomposition.MaxRank));
        if (_bytes + bytes > limitBytes || _kept.ContainsKey(decomposition.Name))
        {
            Dropped++;
            return false;
        }

        _kept[decomposition.Name] = decomposition;
        _bytes += bytes;
        return true;
    }

    /// <summary>The kept decomposition of <paramref name="layer"/>; the cache still owns it.</summary>
    public LowRankDecomposition? Find(string layer) => _kept.GetValueOrDefault(layer);

    public void Dispose()
    {
        foreach (var decomposition in _kept.Values)
        {
            decomposition.Dispose();
        }

        _kept.Clear();
    }
}
