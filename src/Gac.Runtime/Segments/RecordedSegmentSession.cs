using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Segments;

/// <summary>
/// One segment's session run on recorded inputs (<see cref="RecordedTensor"/> per batch) instead of
/// tensors streamed from the segment before it: the published artifact's blocks re-run on the block
/// inputs validation fed, and a block timed on its recorded input. Only this segment's weights are in
/// memory. Disposing releases the session and the input values.
/// </summary>
public sealed class RecordedSegmentSession : IBenchmarkTarget, IDisposable
{
    private readonly OrtSession _session;
    private readonly IReadOnlyList<string> _outputs;
    private readonly List<List<OrtValue>> _inputs;
    private readonly IReadOnlyList<IReadOnlyList<RecordedTensor>> _batches;

    /// <param name="name">Names the session in progress, failures and, as a benchmark target, the variant ("original", "unaligned", "gac").</param>
    /// <param name="externalDataFolder">Where the segment's external-data locations resolve: the folder of the model it was cut from.</param>
    /// <param name="packWeights">True for timing (weights prepacked as a deployed model runs); false to hold each weight once, as the
    /// streamed fidelity runs do (<see cref="OrtSessionFactory.Open(byte[], string, string?, bool)"/>).</param>
    public RecordedSegmentSession(OrtSessionFactory sessions, byte[] model, string name, string? externalDataFolder,
        IReadOnlyList<IReadOnlyList<RecordedTensor>> batches, IReadOnlyList<string> outputs, bool packWeights)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _batches = batches ?? throw new ArgumentNullException(nameof(batches));
        _outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        Name = name;
        _session = sessions.Open(model, name, externalDataFolder, packWeights);
        _inputs = batches.Select(b => b.Select(t => t.ToOrtValue()).ToList()).ToList();
    }

    public string Name { get; }

    /// <summary>Runs every batch and shows its inputs and outputs (valid only inside <paramref name="observe"/>).</summary>
    public void RunEach(Action<SegmentValues> observe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observe);
        for (var b = 0; b < _inputs.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var names = _batches[b].Select(t => t.Name).ToList();
            using var results = _session.RunValues(names, _inputs[b], _outputs.ToList(), Name);
            var seen = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                seen[names[i]] = _inputs[b][i];
            }

            for (var i = 0; i < _outputs.Count; i++)
            {
                seen[_outputs[i]] = results[i];
            }

            observe(new SegmentValues(b, seen));
        }
    }

    /// <summary>One timed run: the first recorded batch through the segment (output allocation included, alike for every variant timed).</summary>
    public void RunOnce()
    {
        using var results = _session.RunValues(_batches[0].Select(t => t.Name).ToList(), _inputs[0], _outputs.ToList(), "latency");
    }

    public void Dispose()
    {
        _inputs.SelectMany(i => i).ToList().ForEach(v => v.Dispose());
        _session.Dispose();
    }
}
