using Gac.Core.Calibration;
using Gac.Core.Spec;
using Gac.Onnx.Rewrites;
using Gac.Pipeline.Inspection;
using Gac.Runtime.Providers;
using Google.Protobuf;

namespace Gac.Pipeline.Steps;

/// <summary>
/// Step 2: run the model on calibration inputs with a tap on every compressible layer's input and
/// accumulate per-channel statistics (abs-mean, mean square) batch by batch. Layers that share an
/// input (q, k, v) share one accumulator. The model runs in one session, or block by block
/// (<see cref="BlockwiseCalibration"/>) when it does not fit (calibration.mode).
/// </summary>
public static class Calibration
{
    public static IReadOnlyDictionary<string, ActivationStatistics> Measure(RunContext run, ImportedModel model)
    {
        if (run.Spec.Compress.Method == CompressionMethod.None)
        {
            return new Dictionary<string, ActivationStatistics>();
        }

        var layers = model.Compressible.Select(l => l.Name).ToList();
        var choice = BlockwiseChoice.ForCalibration(run, model.File);
        run.Report("calibrate", choice.Describe());
        if (choice.BlockWise)
        {
            run.Warn(new Core.Diagnostics.Diagnostic(Core.Diagnostics.DiagnosticCatalogue.CalibratedBlockwise, $"Calibrated block by block: {choice.Reason}."));
            return BlockwiseCalibration.Measure(run, model, layers);
        }

        var tapped = ActivationTaps.Apply(model.File, layers);
        using var session = run.Sessions.Open(tapped.Model.ToByteArray(), "calibration", externalDataFolder: Path.GetDirectoryName(model.Path));
        var bucket = Bucket(run, session.Signature, model);
        var byOutput = new Dictionary<string, ActivationStatistics>(StringComparer.Ordinal);
        var outputs = tapped.OutputByLayer.Values.Distinct(StringComparer.Ordinal).ToArray();
        var batches = 0;
        foreach (var batch in CalibrationFeeds.Create(run, session.Signature, bucket, model.InputDomains))
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            using (batch)
            {
                using var results = session.Run(batch, outputs, "calibration");
                for (var i = 0; i < outputs.Length; i++)
                {
                    Accumulate(byOutput, outputs[i], results.Shape(i), results.Floats(i));
                }
            }

            batches++;
            run.Report("calibrate", $"batch {batches}: {outputs.Length} layer inputs");
        }

        return tapped.OutputByLayer.ToDictionary(p => p.Key, p => byOutput[p.Value], StringComparer.Ordinal);
    }

    /// <summary>The calibration shape (calibration.dims with defaults named); text calibration checked against the model's inputs.</summary>
    internal static Gac.Runtime.Benchmark.ShapeBucket Bucket(RunContext run, SessionSignature signature, ImportedModel model)
    {
        var defaulted = new List<string>();
        var bucket = ShapeBuckets.Complete(signature, run.Spec.Calibration.Dims, defaulted, DimBinding.KnownShapes(run.Spec.Calibration));
        if (defaulted.Count > 0)
        {
            run.Report("calibrate", $"symbolic dims not in calibration.dims, using {string.Join(", ", defaulted)}");
        }

        if (run.Spec.Calibration.Source == CalibrationSource.Text)
        {
            Text.RealText.Check(run, signature, model.InputDomains);
        }

        return bucket;
    }

    /// <summary>The tap is [..., K]: every leading index is one token row of the layer's input.</summary>
    internal static void Accumulate(Dictionary<string, ActivationStatistics> byOutput, string name, long[] shape, ReadOnlySpan<float> values)
    {
        var channels = checked((int)shape[^1]);
        if (!byOutput.TryGetValue(name, out var statistics))
        {
            statistics = new ActivationStatistics(channels);
            byOutput[name] = statistics;
        }

        statistics.Accumulate(values);
    }
}
