using Gac.Core.Diagnostics;
using Gac.Core.Spec;
using Gac.Pipeline.Steps;
using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Pipeline.Text;

/// <summary>
/// calibration.text for one run: the model's tokenizer (calibration.tokenizer, or the file beside a
/// checkpoint) and the text, split the same way by calibration and validation so the held-out part
/// is the same text in both. Calibration checks that the held-out part exists before compressing.
/// </summary>
public static class RealText
{
    public static TextFeed Feed(RunContext run, InferenceSession session)
    {
        var spec = run.Spec;
        var path = TokenizerFiles.Resolve(spec)
            ?? throw GacException.Create(DiagnosticCatalogue.SpecTokenizerMissing, "calibration.text needs the model's tokenizer: set calibration.tokenizer.", new SourceLocation(spec.File.FullPath));
        var tokenizer = ModelTokenizer.Load(path);
        var calibrationBucket = ShapeBuckets.Complete(session, spec.Calibration.Dims);
        var feed = TextFeed.Create(tokenizer, spec.Calibration.Text!.FullPath, session, calibrationBucket, spec.Calibration.Samples, HeldoutBucket(run, session), spec.Validation.HeldoutSamples);
        run.Report("text", $"{tokenizer.Description}; {feed.Split.CalibrationUnits} {feed.Unit} calibrate, the next {feed.Split.HeldoutUnits} are held out");
        return feed;
    }

    /// <summary>Validation measures fidelity in the first validation shape (validation.shapes, else calibration.dims).</summary>
    public static ShapeBucket HeldoutBucket(RunContext run, InferenceSession session)
        => ShapeBuckets.Complete(session, run.Spec.Validation.Shapes.FirstOrDefault() ?? run.Spec.Calibration.Dims);

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
