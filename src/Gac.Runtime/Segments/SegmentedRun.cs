using Gac.Core.Model;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Segments;

/// <summary>
/// Streams batches through a model one segment at a time: segment k's session is opened, every batch
/// runs through it, and the session is released before segment k + 1 opens, so memory holds one
/// segment's weights plus the tensors crossing the boundary (kept per batch, each dropped after the
/// last segment that reads it). Crossing tensors are copied out of the session into values the run
/// owns: an output left in a session's arena would keep that arena, and with it the block, alive.
/// The batches are the caller's; the run owns everything else and releases it when disposed.
/// </summary>
public sealed class SegmentedRun : IDisposable
{
    private readonly OrtSessionFactory _sessions;
    private readonly string? _externalDataFolder;
    private readonly IReadOnlyList<RunSegment> _segments;
    private readonly List<Dictionary<string, OrtValue>> _carried;
    private readonly Dictionary<string, int> _lastReader = new(StringComparer.Ordinal);
    private readonly string _purpose;
    private readonly bool _packWeights;

    /// <param name="externalDataFolder">Where the segments' external-data locations resolve (the source model's folder).</param>
    /// <param name="purpose">"calibration", "fidelity": names the runs in progress and failures.</param>
    /// <param name="packWeights">Whether sessions prepack MatMul weights (<see cref="OrtSessionFactory.Open(byte[], string, string?, bool)"/>): calibration
    /// packs, so its statistics are bit for bit a whole-model session's (packed and unpacked GEMMs differ in the last bit); fidelity does not, so
    /// a vocabulary-sized head is held once — every model it compares runs the same way.</param>
    public SegmentedRun(
        OrtSessionFactory sessions, string? externalDataFolder, IReadOnlyList<RunSegment> segments, IReadOnlyList<InputSet> batches, string purpose,
        bool packWeights)
    {
        _packWeights = packWeights;
        ArgumentNullException.ThrowIfNull(batches);
        _sessions = sessions ?? throw new ArgumentNullException(nameof(sessions));
        _segments = segments ?? throw new ArgumentNullException(nameof(segments));
        _externalDataFolder = externalDataFolder;
        _purpose = purpose;
        for (var s = 0; s < segments.Count; s++)
        {
            foreach (var input in segments[s].Inputs)
            {
                _lastReader[input] = s;
            }
        }

        // A batch's values are borrowed from its InputSet: they are never disposed here.
        _carried = batches.Select(b => b.Names.Zip(b.Values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)).ToList();
        _borrowed = _carried.SelectMany(c => c.Values).ToHashSet();
    }

    private readonly HashSet<OrtValue> _borrowed;

    /// <summary>The segment the next <see cref="Advance"/> runs; equal to the segment count when all ran.</summary>
    public int Position { get; private set; }

    public int Batches => _carried.Count;

    /// <summary>The element types of the next segment's inputs, as the batches and earlier segments produced them.</summary>
    public IReadOnlyDictionary<string, OnnxDataType> InputTypes => _segments[Position].Inputs.ToDictionary(
        n => n,
        n => (OnnxDataType)(int)Carried(0, n).GetTensorTypeAndShape().ElementDataType,
        StringComparer.Ordinal);

    /// <summary>
    /// Runs segment <see cref="Position"/> (the serialized <paramref name="model"/>) on every batch;
    /// <paramref name="observe"/> sees each batch's inputs and outputs of the segment before tensors no
    /// later segment reads are released.
    /// </summary>
    public void Advance(byte[] model, Action<SegmentValues>? observe, CancellationToken cancellationToken)
    {
        var segment = _segments[Position];
        RunEach(model, segment.Outputs, (batch, outputs, values) =>
        {
            observe?.Invoke(values);
            for (var i = 0; i < segment.Outputs.Count; i++)
            {
                if (_lastReader.TryGetValue(segment.Outputs[i], out var reader) && reader > Position)
                {
                    _carried[batch][segment.Outputs[i]] = Copy(outputs[i]);
                }
            }
        }, cancellationToken);
        foreach (var batch in _carried)
        {
            foreach (var name in batch.Keys.Where(n => !_lastReader.TryGetValue(n, out var r) || r <= Position).ToList())
            {
                Release(batch, name);
            }
        }

        Position++;
    }

    /// <summary>
    /// Runs another model with segment <see cref="Position"/>'s inputs (a compressed variant of the same
    /// block, fed the original's block input) and shows its <paramref name="outputs"/>; nothing is kept.
    /// </summary>
    /// <param name="externalDataFolder">Where that model's external data resolves (its own folder); null: the run's.</param>
    public void RunAside(byte[] model, IReadOnlyList<string> outputs, Action<SegmentValues> observe, CancellationToken cancellationToken,
        string? externalDataFolder = null)
    {
        ArgumentNullException.ThrowIfNull(observe);
        RunEach(model, outputs, (_, _, values) => observe(values), cancellationToken, externalDataFolder);
    }

    public void Dispose()
    {
        foreach (var batch in _carried)
        {
            foreach (var name in batch.Keys.ToList())
            {
                Release(batch, name);
            }
        }
    }

    private void RunEach(byte[] model, IReadOnlyList<string> outputs, Action<int, IReadOnlyList<OrtValue>, SegmentValues> each,
        CancellationToken cancellationToken, string? externalDataFolder = null)
    {
        var segment = _segments[Position];
        using var session = _sessions.Open(model, $"{_purpose} {segment.Label}", externalDataFolder ?? _externalDataFolder, _packWeights);
        for (var b = 0; b < _carried.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = segment.Inputs.Select(n => Carried(b, n)).ToList();
            using var results = session.RunValues(segment.Inputs.ToList(), inputs, outputs.ToList(), _purpose);
            var seen = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
            for (var i = 0; i < segment.Inputs.Count; i++)
            {
                seen[segment.Inputs[i]] = inputs[i];
            }

            for (var i = 0; i < outputs.Count; i++)
            {
                seen[outputs[i]] = results[i];
            }

            each(b, [.. results], new SegmentValues(b, seen));
        }
    }

    private OrtValue Carried(int batch, string name)
        => _carried[batch].TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"Segment {_segments[Position].Label} reads '{name}', which no batch input or earlier segment produced.");

    private void Release(Dictionary<string, OrtValue> batch, string name)
    {
        if (!_borrowed.Contains(batch[name]))
        {
            batch[name].Dispose();
        }

        batch.Remove(name);
    }

    private static OrtValue Copy(OrtValue source)
    {
        var info = source.GetTensorTypeAndShape();
        var copy = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, info.Shape);
        source.GetTensorMutableRawData().CopyTo(copy.GetTensorMutableRawData());
        return copy;
    }
}
