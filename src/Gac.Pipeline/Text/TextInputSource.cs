using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Text;

/// <summary>
/// calibration.text as an input source: the calibration part of the split, or the held-out part
/// after it (<see cref="TextSplit"/>), so calibration, fidelity and latency read the same real text
/// and held-out batches are never calibration batches. The split is made in calibration's shape
/// (calibration.dims) whatever shape the held-out part is asked for, so the two never overlap. The
/// tokenized text is kept per shape: every sample of one shape is cut from one tokenization.
/// </summary>
public sealed class TextInputSource(CalibrationSpec spec, InputDomains domains, bool heldOut) : IInputSource
{
    private readonly Dictionary<string, TextFeed> _feeds = new(StringComparer.Ordinal);
    private ModelTokenizer? _tokenizer;

    public int? Count(SessionSignature session, ShapeBucket bucket) => Batches(session, bucket).Count;

    public InputSet Create(SessionSignature session, ShapeBucket bucket, int sample)
    {
        var batches = Batches(session, bucket);
        if (sample >= batches.Count)
        {
            throw GacException.Create(
                DiagnosticCatalogue.TextTooShort,
                $"calibration.text '{spec.Text!.Text}' has {batches.Count} {(heldOut ? "held-out" : "calibration")} batches of shape {bucket}; batch {sample} was asked for.",
                new SourceLocation(spec.Text.FullPath));
        }

        return Feed(session, bucket).Inputs(session, bucket, batches[sample]);
    }

    /// <summary>The feed for this shape: calibration samples in calibration's shape, and every held-out batch the rest of the text holds.</summary>
    public TextFeed Feed(SessionSignature session, ShapeBucket bucket)
    {
        if (!_feeds.TryGetValue(bucket.Name, out var feed))
        {
            _tokenizer ??= ModelTokenizer.Load(spec.Tokenizer?.FullPath
                ?? throw GacException.Create(DiagnosticCatalogue.SpecTokenizerMissing, "calibration.text needs the model's tokenizer: set calibration.tokenizer.", new SourceLocation(spec.Text!.FullPath)));
            var calibrationBucket = ShapeBuckets.Complete(session, spec.Dims);
            feed = TextFeed.Create(_tokenizer, spec.Text!.FullPath, session, calibrationBucket, spec.Samples, bucket, heldoutSamples: null, domains);
            _feeds[bucket.Name] = feed;
        }

        return feed;
    }

    private IReadOnlyList<TextBatch> Batches(SessionSignature session, ShapeBucket bucket)
        => heldOut ? Feed(session, bucket).Heldout : Feed(session, bucket).Calibration;
}
