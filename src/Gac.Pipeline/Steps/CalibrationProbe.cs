using Gac.Core.Reports;
using Gac.Core.Spec;
using Gac.Runtime.Fidelity;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Measures candidate models against the original on the calibration inputs — the data the
/// compressor already saw, never validation's held-out samples. The original's outputs are recorded
/// on first use and every model is loaded, run and released one at a time. The selection metric is
/// the quality validation reports for the model kind, so plans are chosen by what users read:
/// perplexity for a language model, one minus the mean sentence cosine for a pooled encoder, the
/// relative output error otherwise.
/// </summary>
public sealed class CalibrationProbe(RunContext run, ImportedModel model, ModelVariant original)
{
    public const string PerplexityMetric = "perplexity";
    public const string RelativeErrorMetric = "relative-error";
    public const string SentenceDistanceMetric = "sentence-distance";

    private ReferenceOutputs? _reference;
    private bool _isLanguageModel;

    /// <summary>
    /// "perplexity" for language models (token windows, or text fed to a model with logits);
    /// "sentence-distance" (1 − mean sentence cosine) for an encoder whose outputs are pooled to
    /// sentence vectors; else "relative-error".
    /// </summary>
    public string Metric
    {
        get
        {
            // Reading the reference records it first, which tells whether the model is a language model.
            var pooled = Reference.Settings.Pooling != SentencePooling.None;
            return _isLanguageModel ? PerplexityMetric : pooled ? SentenceDistanceMetric : RelativeErrorMetric;
        }
    }

    public int Samples => Reference.Samples.Count;

    /// <summary>
    /// Calibration samples a single-layer probe runs on: the first quarter (at least one). Probes are
    /// most of a measured run's model evaluations (two or three per layer) and only shape the
    /// measured planning problem; the plans themselves are compared on all of <see cref="Samples"/>.
    /// </summary>
    public int ProbeSamples => Math.Max(1, (Samples + 3) / 4);

    private ReferenceOutputs Reference => _reference ??= Record();

    public FidelitySection Measure(ModelVariant variant, string label)
    {
        using var session = Bf16Sessions.Open(run, variant.Path, label);
        return FidelityEvaluator.Evaluate(Reference, session, run.CancellationToken);
    }

    /// <summary>The relative output error of a single-layer probe, on the first <see cref="ProbeSamples"/> calibration samples.</summary>
    public double ProbeError(ModelVariant variant, string label)
    {
        using var session = Bf16Sessions.Open(run, variant.Path, label);
        var first = Reference with { Samples = Reference.Samples.Take(ProbeSamples).ToList() };
        return FidelityEvaluator.Evaluate(first, session, run.CancellationToken).RelativeL2Error;
    }

    /// <summary>The selection metric of a measurement (lower is better).</summary>
    public double Quality(FidelitySection result) => Metric switch
    {
        PerplexityMetric => result.PerplexityCandidate!.Value,
        SentenceDistanceMetric => 1 - result.SentenceCosine!.Value,
        _ => result.RelativeL2Error,
    };

    public static void Delete(ModelVariant variant)
    {
        try
        {
            if (variant.DataPath is { } data)
            {
                File.Delete(data);
            }

            File.Delete(variant.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run's scratch folder is removed at the end anyway; this only frees disk earlier.
        }
    }

    private ReferenceOutputs Record()
    {
        using var session = run.Sessions.Open(original.Path, ModelVariant.OriginalName);
        var settings = SettingsFor(session.Signature);
        _isLanguageModel = settings.TokenIdsInput is not null;
        run.Report("probe", $"recording the original on {settings.Samples} calibration sample(s) ({settings.Bucket})");
        return FidelityEvaluator.Record(session, settings, run.CancellationToken);
    }

    /// <summary>Validation's fidelity settings, fed calibration's samples instead of the held-out ones.</summary>
    private FidelitySettings SettingsFor(SessionSignature session)
    {
        var calibration = run.Spec.Calibration;
        var bucket = ShapeBuckets.Complete(session, calibration.Dims, knownShapes: Inspection.DimBinding.KnownShapes(calibration));
        switch (calibration.Source)
        {
            case CalibrationSource.Text:
                var text = (Text.TextInputSource)InputSources.Calibration(run, model.InputDomains);
                var feed = text.Feed(session, bucket);
                return new FidelitySettings(
                    bucket,
                    Samples: feed.Calibration.Count,
                    TokenIdsInput: feed.Roles.IsLanguageModel ? feed.Roles.TokenIds : null,
                    Inputs: s => text.Create(session, bucket, s),
                    Pooling: Text.RealText.Pooling(run, feed),
                    AttentionMaskInput: feed.Roles.AttentionMask);
            case CalibrationSource.Tokens:
                var windows = CalibrationFeeds.TokenWindows(calibration, session, bucket, skip: 0, count: calibration.Samples);
                return new FidelitySettings(bucket, Samples: windows.Count, TokenIdsInput: CalibrationFeeds.TokenInput(session), Inputs: s => windows[s]());
            default:
                var source = InputSources.Calibration(run, model.InputDomains);
                var samples = Math.Min(calibration.Samples, source.Count(session, bucket) ?? calibration.Samples);
                return new FidelitySettings(bucket, Samples: samples, Inputs: s => source.Create(session, bucket, s));
        }
    }
}
