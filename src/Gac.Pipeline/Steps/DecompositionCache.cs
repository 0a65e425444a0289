using Gac.Compression.LowRank;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Each layer's low-rank decomposition, kept for the rest of a run that builds and measures several
/// plans: the spectrum, every single-layer probe, the candidate plans and each local-search round cut
/// the same decomposition at different ranks, and decomposing a layer costs far more than cutting it.
/// Off (every use decomposes afresh and frees at once) unless <see cref="Enabled"/>, which the
/// pipeline sets only when plans are measured — for models small enough to hold several times over
/// (<see cref="PlanMeasurement"/>), so holding one decomposition per layer fits too.
/// </summary>
public sealed class DecompositionCache : IDisposable
{
    private readonly Dictionary<string, LowRankDecomposition> _kept = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    /// <summary>The layer's decomposition; dispose the lease when done (it frees the decomposition only when not kept).</summary>
    public Lease Get(string layer, Func<LowRankDecomposition> decompose)
    {
        if (_kept.TryGetValue(layer, out var kept))
        {
            return new Lease(kept, owned: false);
        }

        var decomposition = decompose();
        if (!Enabled)
        {
            return new Lease(decomposition, owned: true);
        }

        _kept[layer] = decomposition;
        return new Lease(decomposition, owned: false);
    }

    public void Dispose()
    {
        foreach (var decomposition in _kept.Values)
        {
            decomposition.Dispose();
        }

        _kept.Clear();
    }

    /// <summary>A decomposition in use; frees it on dispose when the cache does not keep it.</summary>
    public readonly struct Lease(LowRankDecomposition value, bool owned) : IDisposable
    {
        public LowRankDecomposition Value { get; } = value;

        public void Dispose()
        {
            if (owned)
            {
                Value.Dispose();
            }
        }
    }
}
