using Gac.Core.Spec;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Fidelity;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Measures candidate models against the original on the calibration inputs — the data the
/// compressor already saw, never validation's held-out samples. The original's outputs are recorded
/// on first use and every model is loaded, run and released one at a time.
/// </summary>
public sealed class CalibrationProbe(RunContext run, ModelVariant original)
{
    public const string PerplexityMetric = "perplexity";
    public const string RelativeErrorMetric = "relative-error";

    private ReferenceOutputs? _reference;

    /// <summary>"perplexity" for token windows (language models), else "relative-error".</summary>
    public string Metric => run.Spec.Calibration.Source == CalibrationSource.Tokens ? PerplexityMetric : RelativeErrorMetric;

    public int Samples => Reference.Samples.Count;

    private ReferenceOutputs Reference => _reference ??= Record();

    public FidelityResult Measure(ModelVariant variant, string label)
    {
        using var session = run.Sessions.Open(variant.Path, label);
        return FidelityEvaluator.Evaluate(Reference, session, run.CancellationToken);
    }

    /// <summary>The selection metric of a measurement (lower is better).</summary>
    public double Quality(FidelityResult result) => Metric == PerplexityMetric ? result.PerplexityCandidate!.Value : result.RelativeL2Error;

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
        var calibration = run.Spec.Calibration;
        var bucket = ShapeBuckets.Complete(session.Session, calibration.Dims, calibrationInputs: calibration.Inputs);
        FidelitySettings settings;
        if (calibration.Source == CalibrationSource.Tokens)
        {
            var windows = CalibrationFeeds.TokenWindows(calibration, session.Session, bucket, skip: 0, count: calibration.Samples);
            settings = new FidelitySettings(bucket, Samples: windows.Count, TokenIdsInput: CalibrationFeeds.TokenInput(session.Session), Inputs: s => windows[s]());
        }
        else
        {
            var count = Count(CalibrationFeeds.Create(calibration, session.Session, bucket));
            var inference = session.Session;
            settings = new FidelitySettings(bucket, Samples: count, Inputs: s => Nth(CalibrationFeeds.Create(calibration, inference, bucket), s));
        }

        run.Report("probe", $"recording the original on {settings.Samples} calibration sample(s) ({bucket})");
        return FidelityEvaluator.Record(session, settings, run.CancellationToken);
    }

    private static int Count(IEnumerable<InputSet> feeds)
    {
        var count = 0;
        foreach (var batch in feeds)
        {
            batch.Dispose();
            count++;
        }

        return count;
    }

    /// <summary>Calibration feeds are produced one batch at a time (seeded, so each pass yields the same inputs); the s-th is kept.</summary>
    private static InputSet Nth(IEnumerable<InputSet> feeds, int index)
    {
        var i = 0;
        foreach (var batch in feeds)
        {
            if (i++ == index)
            {
                return batch;
            }

            batch.Dispose();
        }

        throw new InvalidOperationException($"Calibration sample {index} is missing on a second pass over the calibration data.");
    }
}
