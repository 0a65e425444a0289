using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Reports;
using Gac.Onnx;
using Gac.Onnx.Segments;
using Gac.Runtime.Segments;
using Google.Protobuf;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Fidelity one transformer block at a time (validation.fidelity: layer-wise): the original model and
/// both candidates are cut at the same block boundaries; the held-out batches stream through the
/// original's blocks, and before each original block runs, the candidates' version of that block is fed
/// the same input and its outputs are kept to compare with the original block's. Memory holds one
/// block of each model at a time. Rewrites keep the tensors that cross a block boundary under their
/// names, so the candidates' blocks read the original's crossing tensors by name; a candidate whose
/// blocks differ is refused (GAC4090).
/// </summary>
internal static class LayerwiseFidelity
{
    /// <param name="capture">Validation layer-wise: keeps the gac candidate's block inputs and outputs and times one block; null: errors only.</param>
    public static LayerwiseFidelitySection Measure(
        RunContext run, OnnxModelFile original, ModelVariants variants, Core.Model.InputDomains domains, string reason, LayerwiseCapture? capture = null)
    {
        var segmentation = GraphSegmentation.ByBlocks(original, []);
        var candidates = new[] { variants.Unaligned, variants.Aligned }
            .Select(v => (Variant: v, Segments: Matching(segmentation, GraphSegmentation.ByBlocks(OnnxModelFile.Load(v.Path), []), v))).ToList();
        var signature = GraphSignature.Of(original);
        var settings = Validation.FidelityFor(run, domains, signature, Validation.Buckets(run, signature)[0]);
        var batches = Enumerable.Range(0, settings.Samples).Select(settings.Inputs!).ToList();
        try
        {
            var runs = segmentation.Segments.Select(s => new RunSegment(s.Label, s.Inputs, s.Outputs)).ToList();
            using var streamed = new SegmentedRun(run.Sessions, Path.GetDirectoryName(variants.Original.Path), runs, batches, "fidelity", packWeights: false);
            var blocks = new List<BlockFidelity>();
            foreach (var segment in segmentation.Segments)
            {
                var types = streamed.InputTypes;
                var compared = segment.Outputs;
                var inputs = capture is null ? null : new List<IReadOnlyList<RecordedTensor>>();
                var seen = candidates.Select((c, i) => Aside(run, streamed, c.Segments, segment, types, compared, c.Variant, i == 1 ? inputs : null)).ToList();
                if (capture is not null)
                {
                    capture.AlignedBlocks.Add(new RecordedBlock(segment.Label, types, compared, inputs!, seen[1]));
                    if (capture.BlockLatency is null && segment.Label.StartsWith("block ", StringComparison.Ordinal))
                    {
                        capture.BlockLatency = BlockTiming.Measure(run, capture.Timing, variants, segmentation.Build(segment, types).ToByteArray(),
                            candidates.Select(c => c.Segments.Build(c.Segments.Segments[segment.Index], types, compared).ToByteArray()).ToList(),
                            segment.Label, settings.Bucket.Name, inputs!, compared);
                    }
                }

                var errors = candidates.Select(_ => new BlockErrorSums()).ToList();
                streamed.Advance(segmentation.Build(segment, types).ToByteArray(), values =>
                {
                    foreach (var name in compared.Where(n => IsFloat(values, n)))
                    {
                        var expected = values.Floats(name);
                        for (var c = 0; c < candidates.Count; c++)
                        {
                            var actual = seen[c][values.Batch][name];
                            if (actual.Length != expected.Length)
                            {
                                throw Mismatch(
                                    candidates[c].Variant, $"'{name}' out of its {segment.Label} has {actual.Length} values, the original's {expected.Length}");
                            }

                            errors[c].Add(expected, actual);
                        }
                    }
                }, run.CancellationToken);
                blocks.Add(new BlockFidelity(segment.Label, errors[0].ToReport(), errors[1].ToReport()));
                run.Report("validate", $"layer-wise {segment.Label} ({segment.Index + 1}/{segmentation.Segments.Count}): relative error unaligned " +
                    $"{blocks[^1].Unaligned.RelativeL2Error:G4}, gac {blocks[^1].Aligned.RelativeL2Error:G4}");
            }

            return new LayerwiseFidelitySection(reason, batches.Count, blocks);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    /// <summary>The candidate's block fed the original's input to the block: its float outputs per batch, by name.</summary>
    /// <param name="inputs">When not null, receives each batch's inputs to the block (the original's, as the candidate was fed them).</param>
    private static List<Dictionary<string, float[]>> Aside(RunContext run, SegmentedRun streamed, GraphSegmentation candidate, GraphSegment original,
        IReadOnlyDictionary<string, OnnxDataType> types, IReadOnlyList<string> compared, ModelVariant variant, List<IReadOnlyList<RecordedTensor>>? inputs)
    {
        var segment = candidate.Segments[original.Index];
        var outputs = compared.Where(segment.Outputs.Contains).ToList();
        var model = candidate.Build(segment, types, outputs).ToByteArray();
        var kept = Enumerable.Range(0, streamed.Batches).Select(_ => new Dictionary<string, float[]>(StringComparer.Ordinal)).ToList();
        streamed.RunAside(model, outputs, values =>
        {
            inputs?.Add(original.Inputs.Where(values.Contains).Select(values.Record).ToList());
            foreach (var name in outputs.Where(n => IsFloat(values, n)))
            {
                kept[values.Batch][name] = values.Floats(name).ToArray();
            }
        }, run.CancellationToken, Path.GetDirectoryName(Path.GetFullPath(variant.Path)));
        if (compared.FirstOrDefault(n => !outputs.Contains(n)) is { } missing)
        {
            throw Mismatch(variant, $"its {original.Label} does not produce '{missing}'");
        }

        return kept;
    }

    /// <summary>The candidate's segments must be the original's blocks, reading only what the original carries into each.</summary>
    private static GraphSegmentation Matching(GraphSegmentation original, GraphSegmentation candidate, ModelVariant variant)
    {
        if (!original.Segments.Select(s => s.Label).SequenceEqual(candidate.Segments.Select(s => s.Label)))
        {
            throw Mismatch(variant, $"its blocks are {string.Join(", ", candidate.Segments.Select(s => s.Label))}, the original's " +
                string.Join(", ", original.Segments.Select(s => s.Label)));
        }

        foreach (var (o, c) in original.Segments.Zip(candidate.Segments))
        {
            if (c.Inputs.FirstOrDefault(i => !o.Inputs.Contains(i)) is { } extra)
            {
                throw Mismatch(variant, $"its {c.Label} reads '{extra}', which the original does not carry into that block");
            }
        }

        return candidate;
    }

    private static GacException Mismatch(ModelVariant variant, string what) => GacException.Create(
        DiagnosticCatalogue.GraphNotSegmentable,
        $"Layer-wise fidelity cannot compare '{variant.Name}' block by block with the original: {what}.",
        new SourceLocation(variant.Path));

    private static bool IsFloat(SegmentValues values, string name)
        => values.Contains(name) && values.Element(name) is OnnxDataType.Float or OnnxDataType.Float16
            or OnnxDataType.BFloat16;

    /// <summary>
    /// Sums over every compared value of one block, all batches: ‖o − c‖², ‖o‖², ‖c‖², o·c, max |o − c|.
    /// Infinite values equal on both sides (−∞ of an attention mask passed on) are the same value and are
    /// left out of the sums; any other non-finite value makes the block's numbers NaN.
    /// </summary>
    private sealed class BlockErrorSums
    {
        private bool _diverged;
        private double _difference;
        private double _expected;
        private double _actual;
        private double _dot;
        private double _max;

        public void Add(ReadOnlySpan<float> expected, float[] actual)
        {
            for (var i = 0; i < expected.Length; i++)
            {
                double e = expected[i], a = actual[i], d = e - a;
                if (!double.IsFinite(e) || !double.IsFinite(a))
                {
                    _diverged |= !e.Equals(a);
                    continue;
                }

                _difference += d * d;
                _expected += e * e;
                _actual += a * a;
                _dot += e * a;
                _max = Math.Max(_max, Math.Abs(d));
            }
        }

        public BlockError ToReport() => _diverged ? new(double.NaN, double.NaN, double.NaN) : new(
            _expected > 0 ? Math.Sqrt(_difference / _expected) : Math.Sqrt(_difference),
            _expected > 0 && _actual > 0 ? Math.Clamp(_dot / Math.Sqrt(_expected * _actual), -1, 1) : 1,
            _max);
    }
}
