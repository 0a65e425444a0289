using Gac.Core.Model;
using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Segments;

namespace Gac.Pipeline.Steps;

/// <summary>
/// What a layer-wise validation keeps beyond the per-block errors: every block's input on the held-out
/// batches and the gac candidate's outputs of that block (the published artifact's blocks must
/// reproduce them), and one block of each model timed.
/// </summary>
/// <param name="timing">Warm-up and iterations of the block timing.</param>
internal sealed class LayerwiseCapture(BenchmarkSettings timing)
{
    public BenchmarkSettings Timing { get; } = timing;

    public List<RecordedBlock> AlignedBlocks { get; } = [];

    /// <summary>The first transformer block timed; null when the graph has none.</summary>
    public BlockLatencySection? BlockLatency { get; set; }
}

/// <summary>One block as validation ran the gac candidate's version of it: the inputs fed per batch, and its compared outputs per batch by name.</summary>
internal sealed record RecordedBlock(
    string Label,
    IReadOnlyDictionary<string, OnnxDataType> InputTypes,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<IReadOnlyList<RecordedTensor>> Inputs,
    IReadOnlyList<Dictionary<string, float[]>> AlignedOutputs);

/// <summary>
/// Latency of one block instead of one model: the same block of original, unaligned and gac, each fed the
/// original's input to that block on the first held-out batch, timed interleaved in this process
/// (<see cref="LatencyBenchmark"/>), three blocks in memory at a time. The first block is timed: it
/// lies wholly inside the graph (the embedding before it and the head after it are other segments), and
/// every block of a decoder has the same shapes, so one stands for each.
/// </summary>
internal static class BlockTiming
{
    public static BlockLatencySection Measure(RunContext run, BenchmarkSettings settings, ModelVariants variants, byte[] original,
        IReadOnlyList<byte[]> candidates, string block, string bucket, IReadOnlyList<IReadOnlyList<RecordedTensor>> inputs, IReadOnlyList<string> outputs)
    {
        var fed = new[] { inputs[0] };
        var timed = new List<RecordedSegmentSession>();
        try
        {
            var models = new[] { (variants.Original, original), (variants.Unaligned, candidates[0]), (variants.Aligned, candidates[1]) };
            foreach (var (variant, model) in models)
            {
                timed.Add(new RecordedSegmentSession(run.Sessions, model, variant.Name, Path.GetDirectoryName(Path.GetFullPath(variant.Path)), fed,
                    outputs, packWeights: true));
            }

            var progress = new Progress<BenchmarkProgress>(p => run.Report("latency", $"{block} {p.Phase} {p.Completed}/{p.Total}"));
            var result = new LatencyBenchmark(settings).Measure(timed, bucket, progress, run.CancellationToken);
            return new BlockLatencySection(block, $"Block latency, not model latency: {block} of original, unaligned and gac, each fed the original's " +
                "input to that block on the first held-out sample, timed interleaved in one process; speedups are block speedups.", result.ToReport());
        }
        finally
        {
            timed.ForEach(t => t.Dispose());
        }
    }
}
