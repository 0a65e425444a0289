using Gac.Runtime.Providers;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// Where a model's inputs come from. Calibration, fidelity and latency all draw from a source, so
/// the data a spec names (generated, calibration.inputs, npy, token windows, text) feeds all three.
/// </summary>
public interface IInputSource
{
    /// <summary>How many distinct samples the source holds for this shape; null when it generates any number.</summary>
    int? Count(SessionSignature model, ShapeBucket bucket);

    /// <summary>Sample <paramref name="sample"/>: the same values for every model with these inputs. The caller disposes it.</summary>
    InputSet Create(SessionSignature model, ShapeBucket bucket, int sample);
}

/// <summary>Seeded random inputs valid by construction (<see cref="RandomInputs"/>); sample s uses seed + s.</summary>
public sealed class GeneratedInputs(Core.Model.InputDomains domains, int seed) : IInputSource
{
    public Core.Model.InputDomains Domains { get; } = domains;

    public int Seed { get; } = seed;

    public int? Count(SessionSignature model, ShapeBucket bucket) => null;

    public InputSet Create(SessionSignature model, ShapeBucket bucket, int sample)
        => RandomInputs.Create(model, bucket, Seed + sample, Domains);
}
