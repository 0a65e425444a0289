using Gac.Core.Calibration;
using Gac.Onnx.Rewrites;
using Gac.Onnx.Segments;
using Gac.Runtime.Segments;
using Google.Protobuf;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Calibration one transformer block at a time: the graph is cut at block boundaries, every batch is
/// streamed through block k's session before block k + 1 opens, and each layer input is read in the
/// block that makes it. Batches reach every tap in feed order, as in one whole-model session, so the
/// statistics are the same sums in the same order; memory holds one block's weights and the tensors
/// crossing a boundary for every batch. Blocks after the last tap (final norm, LM head) are not run.
/// </summary>
internal static class BlockwiseCalibration
{
    public static IReadOnlyDictionary<string, ActivationStatistics> Measure(RunContext run, ImportedModel model, IReadOnlyList<string> layers)
    {
        var inputs = ActivationTaps.LayerInputs(model.File, layers);
        var taps = inputs.Values.Distinct(StringComparer.Ordinal).ToList();
        var segmentation = GraphSegmentation.ByBlocks(model.File, taps);
        var signature = GraphSignature.Of(model.File);
        var bucket = Calibration.Bucket(run, signature, model);
        var batches = CalibrationFeeds.Create(run, signature, bucket, model.InputDomains).ToList();
        try
        {
            var byOutput = new Dictionary<string, ActivationStatistics>(StringComparer.Ordinal);
            var bySegment = taps.ToLookup(segmentation.SegmentOf);
            var last = taps.Count == 0 ? -1 : taps.Max(segmentation.SegmentOf);
            var segments = segmentation.Segments.Select(s => new RunSegment(s.Label, s.Inputs, s.Outputs)).ToList();
            using var streamed = new SegmentedRun(run.Sessions, Path.GetDirectoryName(model.Path), segments, batches, "calibration", packWeights: true);
            for (var s = 0; s <= last; s++)
            {
                var segment = segmentation.Segments[s];
                var types = streamed.InputTypes;
                var here = bySegment[s].ToList();
                streamed.Advance(segmentation.Build(segment, types).ToByteArray(), values =>
                {
                    foreach (var tap in here)
                    {
                        Calibration.Accumulate(byOutput, tap, values.Shape(tap), values.Floats(tap));
                    }
                }, run.CancellationToken);
                run.Report("calibrate", $"{segment.Label} ({s + 1}/{last + 1}): {here.Count} layer inputs over {batches.Count} batches, " +
                    $"{BlockwiseChoice.Gigabytes(segment.WeightBytes)} of weights, {segment.Inputs.Count} tensors carried in");
            }

            return inputs.ToDictionary(p => p.Key, p => byOutput[p.Value], StringComparer.Ordinal);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }
}
