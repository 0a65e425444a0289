using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>
/// The one place that turns a spec's calibration section into input sources, so calibration,
/// fidelity and latency are fed the same kind of data. Calibration takes samples 0…n−1; the
/// held-out source gives data calibration never saw where the spec allows it: a seed apart for
/// generated inputs and calibration.inputs, the token windows after calibration's for
/// calibration.tokens, the held-out part of calibration.text. calibration.npy is one fixed batch,
/// so validation reuses it (GAC4022).
/// </summary>
public static class InputSources
{
    /// <summary>Held-out generated samples use seeds this far from calibration's.</summary>
    public const int HeldOutSeedOffset = 1_000_003;

    public static IInputSource Calibration(RunContext run, InputDomains domains) => For(run, domains, heldOut: false);

    public static IInputSource HeldOut(RunContext run, InputDomains domains) => For(run, domains, heldOut: true);

    private static IInputSource For(RunContext run, InputDomains domains, bool heldOut)
    {
        var spec = run.Spec.Calibration;
        var seed = spec.Seed + (heldOut ? HeldOutSeedOffset : 0);
        return spec.Source switch
        {
            CalibrationSource.Generated => new GeneratedInputs(domains, seed),
            CalibrationSource.Inputs => new SpecGenerators(spec, seed),
            CalibrationSource.Npy => new NpyTensors(spec),
            CalibrationSource.Tokens => new TokenWindowSource(spec, skip: heldOut ? spec.Samples : 0),
            CalibrationSource.Text => new Text.TextInputSource(spec, domains, heldOut),
            _ => throw new ArgumentOutOfRangeException(nameof(run), spec.Source, "No input source for this calibration source."),
        };
    }

    /// <summary>calibration.inputs: sample s draws every input from its range with seed + s.</summary>
    private sealed class SpecGenerators(CalibrationSpec spec, int seed) : IInputSource
    {
        public int? Count(SessionSignature model, ShapeBucket bucket) => null;

        public InputSet Create(SessionSignature model, ShapeBucket bucket, int sample)
            => CalibrationFeeds.FromGenerators(spec, model, seed + sample);
    }

    /// <summary>calibration.npy: one batch, whatever sample is asked for.</summary>
    private sealed class NpyTensors(CalibrationSpec spec) : IInputSource
    {
        public int? Count(SessionSignature model, ShapeBucket bucket) => 1;

        public InputSet Create(SessionSignature model, ShapeBucket bucket, int sample) => CalibrationFeeds.FromNpy(spec, model);
    }

    /// <summary>calibration.tokens: window skip + s of batch × seq token ids.</summary>
    private sealed class TokenWindowSource(CalibrationSpec spec, int skip) : IInputSource
    {
        public int? Count(SessionSignature model, ShapeBucket bucket)
            => CalibrationFeeds.TokenWindows(spec, model, bucket, skip, int.MaxValue).Count;

        public InputSet Create(SessionSignature model, ShapeBucket bucket, int sample)
        {
            var windows = CalibrationFeeds.TokenWindows(spec, model, bucket, skip + sample, 1);
            if (windows.Count == 0)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.CalibrationDataMalformed,
                    $"'{spec.Tokens!.Text}' has no token window {skip + sample} of shape {bucket}; add text or lower calibration.samples.",
                    new SourceLocation(spec.Tokens.Text));
            }

            return windows[0]();
        }
    }
}
