using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Gac.Core.Diagnostics;
using static TorchSharp.torch;

namespace Gac.Compression.LowRank;

/// <summary>
/// Each layer of one model decomposed once: the first request eigendecomposes (seconds per layer) and
/// spills the singular basis and spectrum to a folder; every later request for the same layer, weight
/// scale and precision (the apply pass after the plan pass, a candidate written later, another
/// ratio of a sweep) reads the spill back and rebuilds the scaled weight from the weight it is given —
/// the same bits, so its factors are identical. Memory stays bounded to one layer; disk holds one
/// basis (min(K,N)², in the Gram precision) per layer until its last reader <see cref="Release"/>s it
/// or the cache is disposed (Llama-3-8B's 224 layers spill 22 GB in fp64: released layer by layer as
/// the variants are written, the spill shrinks while the variants grow).
/// </summary>
public sealed class DecompositionCache : IDisposable
{
    private readonly string _folder;
    private readonly Dictionary<string, string> _spilled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _computed = new(StringComparer.Ordinal);

    /// <param name="folder">Where spills go (created; deleted on dispose): a run's scratch folder.</param>
    public DecompositionCache(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>Eigendecompositions actually computed (not read back).</summary>
    public int Computed => _computed.Values.Sum();

    /// <summary>Decompositions served from a spill.</summary>
    public int Reused { get; private set; }

    /// <summary>Spill files deleted by <see cref="Release"/>.</summary>
    public int Released { get; private set; }

    /// <summary>How many times <paramref name="name"/> was eigendecomposed (1 when the cache did its job).</summary>
    public int ComputedFor(string name) => _computed.GetValueOrDefault(name);

    /// <summary>
    /// The decomposition of diag(S)·W (or W when <paramref name="inputChannelScale"/> is null); the
    /// caller owns and disposes it, as with <see cref="LowRankFactorizer.Decompose(string, WeightMatrix, IReadOnlyList{double}?)"/>.
    /// </summary>
    public LowRankDecomposition Decompose(LowRankFactorizer factorizer, string name, WeightMatrix weight, IReadOnlyList<double>? inputChannelScale)
    {
        ArgumentNullException.ThrowIfNull(factorizer);
        ArgumentNullException.ThrowIfNull(weight);
        var key = Key(name, weight, inputChannelScale, factorizer.Options.Precision);
        if (_spilled.TryGetValue(key, out var path))
        {
            Reused++;
            return Load(path, name, weight, inputChannelScale);
        }

        var decomposition = factorizer.Decompose(name, weight, inputChannelScale);
        _computed[name] = _computed.GetValueOrDefault(name) + 1;
        path = Path.Combine(_folder, $"{_spilled.Count:D5}.svd");
        Spill(decomposition, path);
        _spilled[key] = path;
        return decomposition;
    }

    /// <summary>
    /// Deletes every spill of layer <paramref name="name"/> (any scale or precision): for the last reader,
    /// so disk holds only the layers still to come. A later request decomposes the layer again.
    /// </summary>
    public void Release(string name)
    {
        foreach (var (key, path) in _spilled.Where(p => p.Key.StartsWith(name + "|", StringComparison.Ordinal)).ToList())
        {
            _spilled.Remove(key);
            try
            {
                File.Delete(path);
                Released++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only disk freed early: the folder goes with the cache.
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Inside the run's scratch folder, which is removed when the run ends anyway.
        }
    }

    /// <summary>
    /// Same layer, shape, channel scale (bit for bit) and precision: the same decomposition. The weight
    /// itself is not hashed (a quarter of a second per 4096×14336 layer): a cache serves one model, whose
    /// layer names identify their weights.
    /// </summary>
    private static string Key(string name, WeightMatrix weight, IReadOnlyList<double>? scale, GramPrecision precision)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (scale is not null)
        {
            hash.AppendData(MemoryMarshal.AsBytes(scale.ToArray().AsSpan()));
        }

        return $"{name}|{weight.Rows}x{weight.Columns}|{(scale is null ? "svd" : "asvd")}|{precision}|{Convert.ToHexString(hash.GetHashAndReset())}";
    }

    private static void Spill(LowRankDecomposition decomposition, string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            using var writer = new BinaryWriter(stream);
            var basis = decomposition.Basis;
            writer.Write(decomposition.LeftBasis);
            writer.Write((int)basis.dtype);
            writer.Write(checked((int)basis.shape[0]));
            writer.Write(checked((int)basis.shape[1]));
            writer.Write(decomposition.FrobeniusSquared);
            writer.Write(decomposition.SquaredSingularValues.Count);
            foreach (var square in decomposition.SquaredSingularValues)
            {
                writer.Write(square);
            }

            using var contiguous = basis.contiguous();
            writer.Write(contiguous.bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.DecompositionSpillFailed, $"{decomposition.Name}: cannot spill its decomposition to '{path}': " +
                $"{e.Message}", new SourceLocation(path), e);
        }
    }

    private static LowRankDecomposition Load(string path, string name, WeightMatrix weight, IReadOnlyList<double>? inputChannelScale)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream);
            var leftBasis = reader.ReadBoolean();
            var type = (ScalarType)reader.ReadInt32();
            var rows = reader.ReadInt32();
            var columns = reader.ReadInt32();
            var frobeniusSquared = reader.ReadDouble();
            var squares = new double[reader.ReadInt32()];
            for (var i = 0; i < squares.Length; i++)
            {
                squares[i] = reader.ReadDouble();
            }

            var bytes = reader.ReadBytes(checked((int)(stream.Length - stream.Position)));
            using var scope = NewDisposeScope();
            var basis = empty([rows, columns], type);
            basis.bytes = bytes;
            var (w, scale) = LowRankFactorizer.ScaledWeight(weight, inputChannelScale);
            return new LowRankDecomposition(
                name, weight.Rows, weight.Columns, leftBasis, squares, frobeniusSquared,
                scope.MoveToOuter(w), scope.MoveToOuter(basis), scale is null ? null : scope.MoveToOuter(scale));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException)
        {
            throw GacException.Create(DiagnosticCatalogue.DecompositionSpillFailed, $"{name}: cannot read its spilled decomposition '{path}': {e.Message}",
                new SourceLocation(path), e);
        }
    }
}
