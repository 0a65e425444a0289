using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Spec;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Text;

/// <summary>
/// calibration.text for one run, around <see cref="TextInputSource"/> (which feeds calibration,
/// fidelity and latency): the early check that the held-out part exists, and the pooling fidelity
/// compares an encoder's sentences with.
/// </summary>
public static class RealText
{
    /// <summary>
    /// Before calibrating: the tokenizer loads, and the text holds calibration's part and
    /// validation.heldout_samples after it in validation's first shape (GAC4041 otherwise), so a short
    /// text fails before the compressor runs rather than after.
    /// </summary>
    public static void Check(RunContext run, SessionSignature session, InputDomains domains)
    {
        var spec = run.Spec;
        var heldoutBucket = ShapeBuckets.Complete(session, spec.Validation.Shapes.FirstOrDefault() ?? spec.Calibration.Dims);
        var feed = new TextInputSource(spec.Calibration, domains, heldOut: true).Feed(session, heldoutBucket);
        HeldoutSamples(run, feed);
        run.Report("text", $"{feed.Tokenizer.Description}; {feed.Split.CalibrationUnits} {feed.Unit} calibrate, the {feed.Split.HeldoutUnits} after them are held out");
    }

    /// <summary>validation.heldout_samples, which the held-out part must hold in full.</summary>
    public static int HeldoutSamples(RunContext run, TextFeed feed)
    {
        var asked = run.Spec.Validation.HeldoutSamples;
        if (feed.Heldout.Count < asked)
        {
            var text = run.Spec.Calibration.Text!;
            throw GacException.Create(
                DiagnosticCatalogue.TextTooShort,
                $"calibration.text '{text.Text}' holds {feed.Heldout.Count} held-out samples after calibration's {feed.Split.CalibrationUnits} {feed.Unit}; validation.heldout_samples asks for {asked}. Add text, or lower calibration.samples / validation.heldout_samples.",
                new SourceLocation(text.FullPath));
        }

        return asked;
    }

    /// <summary>
    /// validation.pooling resolved for the model: auto takes a sentence-transformers declaration
    /// beside the model, else mean for an encoder and none for a language model (whose logits are
    /// compared token by token and scored by perplexity).
    /// </summary>
    public static SentencePooling Pooling(RunContext run, TextFeed feed)
    {
        var requested = run.Spec.Validation.Pooling;
        if (feed.Roles.IsLanguageModel)
        {
            return requested is SentencePooling.Auto or SentencePooling.None
                ? SentencePooling.None
                : throw GacException.Create(DiagnosticCatalogue.PoolingUnsupported, $"validation.pooling is {SpecEnumText.ToText(requested)}, but the model is a language model (it returns logits), whose outputs are compared per token; remove validation.pooling.", new SourceLocation(run.Spec.File.FullPath));
        }

        return requested != SentencePooling.Auto ? requested : DeclaredPooling.Beside(run.Spec.Model.Path.FullPath) ?? SentencePooling.Mean;
    }
}
