using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Reports;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Fidelity;

/// <param name="Samples">Held-out input sets; each is a fresh seeded random input for the bucket (or the caller's <paramref name="Inputs"/>).</param>
/// <param name="Seed">Kept apart from the benchmark's and calibration's seeds so the check is held out.</param>
/// <param name="Domains">What generated integer inputs hold (read from the graph); null knows none, so a model with integer inputs needs <paramref
/// name="Inputs"/>.</param>
/// <param name="OutputName">Output to compare; null takes "logits" when comparing a language model (a decode-ready export also returns its k/v cache), else the
/// model's first output.</param>
/// <param name="TokenIdsInput">For language models: the int64 [batch, seq] input; with it, the compared output is taken as logits [batch, seq, vocab] and
/// perplexity is computed.</param>
/// <param name="Inputs">Supplies sample s's inputs (e.g. held-out token windows) instead of seeded random ones; the evaluator disposes them.</param>
/// <param name="Pooling">Mean or cls: the compared output [batch, seq, hidden] is pooled to sentence vectors first, over <paramref
/// name="AttentionMaskInput"/>.</param>
/// <param name="AttentionMaskInput">The input whose 1s mark each sentence's tokens; required when pooling.</param>
public sealed record FidelitySettings(
    ShapeBucket Bucket,
    int Samples = 8,
    int Seed = 7_000_001,
    Core.Model.InputDomains? Domains = null,
    string? OutputName = null,
    string? TokenIdsInput = null,
    Func<int, InputSet>? Inputs = null,
    Core.Spec.SentencePooling Pooling = Core.Spec.SentencePooling.None,
    string? AttentionMaskInput = null);

/// <summary>
/// Runs the original and a candidate on the same held-out inputs and compares one output. The
/// original's outputs are recorded once (<see cref="Record"/>) and every candidate is compared with
/// the recording, so the original need not be loaded while a candidate runs (validation of models
/// too large to hold twice) and is not re-run per candidate.
/// </summary>
public static class FidelityEvaluator
{
    /// <summary>The language-model output HF, Optimum and our exporter name; perplexity is computed on it.</summary>
    public const string LogitsOutput = "logits";

    public static FidelitySection Evaluate(OrtSession original, OrtSession candidate, FidelitySettings settings, CancellationToken cancellationToken = default)
        => Evaluate(Record(original, settings, cancellationToken), candidate, cancellationToken);

    /// <summary>Runs the original on every held-out sample and keeps the compared output (and token ids).</summary>
    public static ReferenceOutputs Record(OrtSession original, FidelitySettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(settings);
        var outputName = settings.OutputName
            ?? (settings.TokenIdsInput is not null && original.Signature.HasOutput(LogitsOutput) ? LogitsOutput : original.Signature.OutputNames[0]);
        var samples = new List<ReferenceSample>();
        for (var s = 0; s < settings.Samples; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var inputs = Inputs(original, settings, s);
            var (values, shape) = Pooled(RunOne(original, inputs, outputName), inputs, settings, outputName);
            var ids = settings.TokenIdsInput is { } idsName ? inputs[idsName].Int64Values.ToArray() : null;
            samples.Add(new ReferenceSample(values, shape, ids));
        }

        return new ReferenceOutputs(settings, outputName, samples);
    }

    public static FidelitySection Evaluate(ReferenceOutputs reference, OrtSession candidate, CancellationToken cancellationToken = default)
        => Evaluate(reference, candidate, keep: null, cancellationToken);

    /// <summary>
    /// <see cref="Evaluate(ReferenceOutputs, OrtSession, CancellationToken)"/>, also keeping the
    /// candidate's own outputs on the same inputs: what the published artifact must reproduce.
    /// </summary>
    public static (FidelitySection Fidelity, ReferenceOutputs CandidateOutputs) EvaluateAndRecord(ReferenceOutputs reference, OrtSession candidate,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var kept = new List<ReferenceSample>();
        var fidelity = Evaluate(reference, candidate, kept, cancellationToken);
        return (fidelity, new ReferenceOutputs(reference.Settings, reference.OutputName, kept));
    }

    /// <summary>
    /// Runs <paramref name="model"/> on the inputs <paramref name="recorded"/> was recorded on and
    /// returns its compared output per sample, for a comparison with the recording.
    /// </summary>
    public static IReadOnlyList<ReferenceSample> Rerun(ReferenceOutputs recorded, OrtSession model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(model);
        var samples = new List<ReferenceSample>();
        for (var s = 0; s < recorded.Samples.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var inputs = Inputs(model, recorded.Settings, s);
            // Recorded outputs of an encoder fed sentences are pooled sentence vectors; pool the rerun alike.
            var (values, shape) = Pooled(RunOne(model, inputs, recorded.OutputName), inputs, recorded.Settings, recorded.OutputName);
            samples.Add(new ReferenceSample(values, shape, null));
        }

        return samples;
    }

    private static FidelitySection Evaluate(ReferenceOutputs reference, OrtSession candidate, List<ReferenceSample>? keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var settings = reference.Settings;
        var outputName = reference.OutputName;
        if (!candidate.Signature.HasOutput(outputName))
        {
            throw GacException.Create(DiagnosticCatalogue.OutputsIncomparable, $"Candidate '{candidate.Name}' has no output '{outputName}' (it has: " +
                $"{string.Join(", ", candidate.Signature.OutputNames)}).");
        }

        var metrics = new FidelityMetrics();
        var pplOriginal = settings.TokenIdsInput is null ? null : new PerplexityAccumulator();
        var pplCandidate = settings.TokenIdsInput is null ? null : new PerplexityAccumulator();
        for (var s = 0; s < reference.Samples.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var expected = reference.Samples[s];
            using var inputs = Inputs(candidate, settings, s);
            var (compared, candidateShape) = Pooled(RunOne(candidate, inputs, outputName), inputs, settings, outputName);
            var shape = expected.Shape;
            if (!shape.SequenceEqual(candidateShape))
            {
                throw GacException.Create(DiagnosticCatalogue.OutputsIncomparable, $"Output '{outputName}' is [{string.Join(",", shape)}] from the original " +
                    $"but [{string.Join(",", candidateShape)}] from '{candidate.Name}'.");
            }

            keep?.Add(new ReferenceSample(compared, candidateShape, expected.TokenIds));
            var lastAxis = shape.Length == 0 ? 1 : (int)shape[^1];
            metrics.Add(expected.Values, compared, lastAxis);
            if (expected.TokenIds is { } ids)
            {
                if (shape.Length != 3)
                {
                    throw GacException.Create(DiagnosticCatalogue.PerplexityInputsInvalid,
                        $"Output '{outputName}' has rank {shape.Length}; perplexity needs logits [batch, seq, vocab].");
                }

                pplOriginal!.Add(expected.Values, ids, (int)shape[0], (int)shape[1], (int)shape[2]);
                pplCandidate!.Add(compared, ids, (int)shape[0], (int)shape[1], (int)shape[2]);
            }
        }

        var pooled = settings.Pooling != Core.Spec.SentencePooling.None;
        return new FidelitySection(
            reference.Samples.Count,
            metrics.RelativeL2Error,
            metrics.Cosine,
            metrics.Top1Agreement,
            metrics.MaxAbsDiff,
            pplOriginal?.Perplexity,
            pplCandidate?.Perplexity,
            pooled ? Core.Spec.SpecEnumText.ToText(settings.Pooling) : null,
            pooled ? metrics.MeanRowCosine : null);
    }

    /// <summary>With pooling, the compared output becomes one vector per sentence (<see cref="SentenceVectors"/>).</summary>
    private static (float[] Values, long[] Shape) Pooled((float[] Values, long[] Shape) output, InputSet inputs, FidelitySettings settings, string outputName)
        => settings.Pooling == Core.Spec.SentencePooling.None
            ? output
            : SentenceVectors.Pool(output.Values, output.Shape, inputs[settings.AttentionMaskInput!].Int64Values, settings.Pooling, outputName);

    /// <summary>Sample s's inputs: the caller's (held-out token windows) or seeded random ones, the same for every model.</summary>
    private static InputSet Inputs(OrtSession session, FidelitySettings settings, int sample)
        => settings.Inputs?.Invoke(sample) ?? RandomInputs.Create(session.Signature, settings.Bucket, settings.Seed + sample, settings.Domains
            ?? Core.Model.InputDomains.None);

    /// <summary>Runs with the caller's inputs and returns the output as float32 (fp16 outputs widened).</summary>
    private static (float[] Values, long[] Shape) RunOne(OrtSession session, InputSet inputs, string outputName)
    {
        using var outputs = session.Run(inputs, [outputName], "fidelity");
        if (outputs.Element(0) is not (OnnxDataType.Float or OnnxDataType.Float16))
        {
            throw GacException.Create(DiagnosticCatalogue.OutputsIncomparable, $"Output '{outputName}' of '{session.Name}' is {outputs.Element(0)}; fidelity " +
                $"compares float32 or float16 outputs.");
        }

        return (outputs.Floats(0).ToArray(), outputs.Shape(0));
    }
}
