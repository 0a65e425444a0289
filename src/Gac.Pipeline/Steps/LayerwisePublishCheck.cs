using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Onnx;
using Gac.Onnx.Segments;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Segments;
using Google.Protobuf;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The published artifact is the validated one, proved without a whole-model session: the model is read
/// from where it was published, cut at the same block boundaries, and each block's session (its weights
/// resolved from the published data file, as a user's program resolves them) is fed the block inputs
/// validation recorded; its outputs must equal the gac candidate's outputs of that block, within
/// <see cref="PublishedModelCheck.RelativeTolerance"/> · max(1, max |validated|) per output and batch
/// (the whole-model check's rule). Fails GAC5020 when a block does not load or run, GAC5021 when it differs.
/// </summary>
internal static class LayerwisePublishCheck
{
    public static Task Verify(RunContext run, string published, IReadOnlyList<RecordedBlock> validated, CancellationToken cancellationToken)
    {
        run.Report("verify", $"opening {published} block by block from where it was published");
        var segmentation = Segments(published);
        if (!segmentation.Segments.Select(s => s.Label).SequenceEqual(validated.Select(b => b.Label)))
        {
            throw Mismatch(published, $"its blocks are {string.Join(", ", segmentation.Segments.Select(s => s.Label))}, the validated candidate's " +
                string.Join(", ", validated.Select(b => b.Label)));
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(published));
        var identical = true;
        var maxDiff = 0.0;
        foreach (var (segment, block) in segmentation.Segments.Zip(validated))
        {
            var model = segmentation.Build(segment, block.InputTypes, block.Outputs).ToByteArray();
            using var session = Open(() => new RecordedSegmentSession(run.Sessions, model, $"published {block.Label}", folder, block.Inputs, block.Outputs,
                packWeights: false), // as the fidelity run that recorded the outputs held it
                published, block.Label);
            Run(() => session.RunEach(values =>
            {
                foreach (var (name, expected) in block.AlignedOutputs[values.Batch])
                {
                    var (same, diff) = Compare(published, block.Label, name, values.Batch, expected, values.Floats(name));
                    identical &= same;
                    maxDiff = Math.Max(maxDiff, diff);
                }
            }, cancellationToken), published, block.Label);
        }

        run.Report("verify", identical
            ? $"published model reproduces the validated block outputs bit for bit in {validated.Count} segments"
            : string.Create(CultureInfo.InvariantCulture, $"published model reproduces the validated block outputs in {validated.Count} segments " +
                $"(max |difference| {maxDiff:G3}, within {PublishedModelCheck.RelativeTolerance:G1} relative)"));
        return Task.CompletedTask;
    }

    private static GraphSegmentation Segments(string published)
    {
        try
        {
            return GraphSegmentation.ByBlocks(OnnxModelFile.Load(published), []);
        }
        catch (GacException e)
        {
            throw Unloadable(published, e.Diagnostics[0].Message, e);
        }
    }

    private static RecordedSegmentSession Open(Func<RecordedSegmentSession> open, string published, string block)
    {
        try
        {
            return open();
        }
        catch (GacException e)
        {
            throw Unloadable(published, $"its {block}: {e.Diagnostics[0].Message}", e);
        }
    }

    private static void Run(Action run, string published, string block)
    {
        try
        {
            run();
        }
        catch (GacException e) when (e.Diagnostics[0].Code != DiagnosticCatalogue.PublishedArtifactMismatch.Code)
        {
            throw Unloadable(published, $"its {block}: {e.Diagnostics[0].Message}", e);
        }
    }

    private static (bool Identical, double MaxDiff) Compare(string published, string block, string name, int batch, float[] expected,
        ReadOnlySpan<float> actual)
    {
        if (actual.Length != expected.Length)
        {
            throw Mismatch(published, $"'{name}' out of its {block} has {actual.Length} values on held-out batch {batch}, the validated {expected.Length}");
        }

        var scale = 1.0;
        foreach (var v in expected)
        {
            scale = double.IsFinite(v) ? Math.Max(scale, Math.Abs((double)v)) : scale;
        }

        var identical = true;
        var maxDiff = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            identical &= expected[i].Equals(actual[i]);
            if (expected[i].Equals(actual[i]))
            {
                continue;
            }

            var diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= PublishedModelCheck.RelativeTolerance * scale))
            {
                throw Mismatch(published, string.Create(CultureInfo.InvariantCulture, $"'{name}' out of its {block} on held-out batch {batch} differs at " +
                    $"element {i}: {actual[i]} published, {expected[i]} validated (tolerance {PublishedModelCheck.RelativeTolerance * scale:G3})"));
            }

            maxDiff = Math.Max(maxDiff, diff);
        }

        return (identical, maxDiff);
    }

    private static GacException Unloadable(string published, string what, Exception inner) => new(
        new Diagnostic(DiagnosticCatalogue.PublishedArtifactUnloadable, $"The published model '{published}' could not be run block by block from where " +
            $"it was published: {what}", new SourceLocation(published)),
        inner)
    {
        ExitCode = ExitCodes.InternalError,
    };

    private static GacException Mismatch(string published, string what) => new(
        new Diagnostic(DiagnosticCatalogue.PublishedArtifactMismatch, $"The published model '{published}' is not the validated candidate: {what}.",
            new SourceLocation(published)))
    {
        ExitCode = ExitCodes.InternalError,
    };
}
