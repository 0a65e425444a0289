using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Text;

/// <summary>
/// One model input batch cut from calibration.text: token ids and attention mask, row-major
/// [batch, seq], and the text lines it came from (sentences; empty for running text).
/// </summary>
public sealed record TextBatch(long[] Shape, long[] TokenIds, long[] AttentionMask, IReadOnlyList<int> Lines);

/// <summary>
/// calibration.text tokenized with the model's tokenizer and split once (<see cref="TextSplit"/>)
/// into the calibration batches and the held-out batches; both are materialised as graph inputs by
/// <see cref="Inputs"/>. A language model reads the running text in windows of batch × seq tokens;
/// an encoder reads batch sentences at a time, each [CLS] … [SEP] (or what its tokenizer adds),
/// padded to seq with the tokenizer's padding id and masked out.
/// </summary>
public sealed class TextFeed
{
    private TextFeed(ModelTokenizer tokenizer, TextInputs roles, TextSplit split, IReadOnlyList<TextBatch> calibration, IReadOnlyList<TextBatch> heldout, string unit)
    {
        Tokenizer = tokenizer;
        Roles = roles;
        Split = split;
        Calibration = calibration;
        Heldout = heldout;
        Unit = unit;
    }

    public ModelTokenizer Tokenizer { get; }

    public TextInputs Roles { get; }

    public TextSplit Split { get; }

    public IReadOnlyList<TextBatch> Calibration { get; }

    public IReadOnlyList<TextBatch> Heldout { get; }

    /// <summary>"tokens" (running text) or "sentences".</summary>
    public string Unit { get; }

    public static TextFeed Create(
        ModelTokenizer tokenizer,
        string textPath,
        SessionSignature session,
        ShapeBucket calibrationBucket,
        int calibrationSamples,
        ShapeBucket heldoutBucket,
        int? heldoutSamples,
        InputDomains? domains = null)
    {
        var roles = TextInputs.Of(session);
        var ids = roles.TokenIds;
        var calibrationShape = RandomInputs.ResolveShape(session[ids], calibrationBucket);
        var heldoutShape = RandomInputs.ResolveShape(session[ids], heldoutBucket);
        var feed = roles.IsLanguageModel
            ? Windows(tokenizer, textPath, roles, calibrationShape, calibrationSamples, heldoutShape, heldoutSamples)
            : Sentences(tokenizer, textPath, roles, calibrationShape, calibrationSamples, heldoutShape, heldoutSamples);
        CheckVocabulary(feed, domains?.For(ids));
        return feed;
    }

    /// <summary>
    /// Every id must index a row of the embedding table the ids input feeds (read from the graph): a
    /// larger id means this is not the model's tokenizer, and ONNX Runtime would fail on it mid-run.
    /// </summary>
    private static void CheckVocabulary(TextFeed feed, IntegerInputDomain? domain)
    {
        if (domain is not { Rows: > 0 } table)
        {
            return;
        }

        var largest = feed.Calibration.Concat(feed.Heldout).SelectMany(b => b.TokenIds).DefaultIfEmpty(0).Max();
        if (largest >= table.Rows)
        {
            throw GacException.Create(
                DiagnosticCatalogue.TokenizerVocabularyTooLarge,
                $"The tokenizer '{feed.Tokenizer.Path}' produced the id {largest}, but '{table.Input}' indexes '{table.Table}', which has {table.Rows} rows: it is not this model's tokenizer.",
                new SourceLocation(feed.Tokenizer.Path));
        }
    }

    /// <summary>The graph inputs of one batch; k/v caches empty, token types 0, positions 0 … seq−1.</summary>
    public InputSet Inputs(SessionSignature session, ShapeBucket bucket, TextBatch batch)
    {
        return new InputSet(Roles.Roles.Select(r => r.Value switch
        {
            TextInputRole.TokenIds => InputTensor.Of(r.Key, (long[])batch.TokenIds.Clone(), batch.Shape),
            TextInputRole.AttentionMask => InputTensor.Of(r.Key, (long[])batch.AttentionMask.Clone(), batch.Shape),
            TextInputRole.TokenTypes => InputTensor.Of(r.Key, new long[batch.TokenIds.Length], batch.Shape),
            TextInputRole.Positions => InputTensor.Of(r.Key, Positions(batch.Shape), batch.Shape),
            _ => EmptyCache(session[r.Key], bucket),
        }).ToList());
    }

    /// <summary>The held-out samples asked for, or (null) every whole sample the text holds after calibration's part, at least one.</summary>
    private static int HeldoutCount(int? asked, long available, long calibrationUnits, long unitsPerSample)
        => asked ?? (int)Math.Max(1, (available - calibrationUnits) / unitsPerSample);

    private static TextFeed Windows(ModelTokenizer tokenizer, string path, TextInputs roles, long[] calibrationShape, int calibrationSamples, long[] heldoutShape, int? heldoutSamplesAsked)
    {
        var tokens = TextCorpus.Documents(path).SelectMany(d => tokenizer.Encode(d.Text)).Select(id => (long)id).ToArray();
        var calibrationWindow = calibrationShape[0] * calibrationShape[1];
        var heldoutWindow = heldoutShape[0] * heldoutShape[1];
        var heldoutSamples = HeldoutCount(heldoutSamplesAsked, tokens.Length, calibrationSamples * calibrationWindow, heldoutWindow);
        var split = TextSplit.Of(tokens.Length, calibrationSamples * calibrationWindow, heldoutSamples * heldoutWindow, "tokens", path);
        TextBatch Window(long[] shape, long start)
        {
            var window = tokens.AsSpan((int)start, (int)(shape[0] * shape[1])).ToArray();
            return new TextBatch(shape, window, Enumerable.Repeat(1L, window.Length).ToArray(), []);
        }

        return new TextFeed(
            tokenizer,
            roles,
            split,
            Enumerable.Range(0, calibrationSamples).Select(i => Window(calibrationShape, i * calibrationWindow)).ToList(),
            Enumerable.Range(0, heldoutSamples).Select(i => Window(heldoutShape, split.HeldoutStart + (i * heldoutWindow))).ToList(),
            "tokens");
    }

    private static TextFeed Sentences(ModelTokenizer tokenizer, string path, TextInputs roles, long[] calibrationShape, int calibrationSamples, long[] heldoutShape, int? heldoutSamplesAsked)
    {
        var sentences = TextCorpus.Sentences(path);
        var heldoutSamples = HeldoutCount(heldoutSamplesAsked, sentences.Count, calibrationSamples * calibrationShape[0], heldoutShape[0]);
        var split = TextSplit.Of(sentences.Count, calibrationSamples * calibrationShape[0], heldoutSamples * heldoutShape[0], "sentences", path);
        var padding = tokenizer.PaddingId
            ?? throw GacException.Create(DiagnosticCatalogue.TextInputsUnrecognised, $"The tokenizer '{tokenizer.Path}' has no padding token, which an encoder's batches of sentences need.", new SourceLocation(tokenizer.Path));
        TextBatch Batch(long[] shape, int first)
        {
            var (rows, length) = ((int)shape[0], (int)shape[1]);
            var ids = new long[rows * length];
            var mask = new long[rows * length];
            Array.Fill(ids, padding);
            var lines = new int[rows];
            for (var r = 0; r < rows; r++)
            {
                var sentence = sentences[first + r];
                var encoded = tokenizer.Encode(sentence.Text);
                if (encoded.Count > length)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.SentenceTooLong,
                        $"The sentence on line {sentence.Line} of '{path}' is {encoded.Count} tokens with its special tokens; the seq dim holds {length}. Raise seq in calibration.dims / validation.shapes, or split the sentence.",
                        new SourceLocation(path, sentence.Line));
                }

                for (var t = 0; t < encoded.Count; t++)
                {
                    ids[(r * length) + t] = encoded[t];
                    mask[(r * length) + t] = 1;
                }

                lines[r] = sentence.Line;
            }

            return new TextBatch(shape, ids, mask, lines);
        }

        return new TextFeed(
            tokenizer,
            roles,
            split,
            Enumerable.Range(0, calibrationSamples).Select(i => Batch(calibrationShape, i * (int)calibrationShape[0])).ToList(),
            Enumerable.Range(0, heldoutSamples).Select(i => Batch(heldoutShape, split.HeldoutStart + (i * (int)heldoutShape[0]))).ToList(),
            "sentences");
    }

    private static long[] Positions(long[] shape)
    {
        var positions = new long[shape[0] * shape[1]];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = i % shape[1];
        }

        return positions;
    }

    private static InputTensor EmptyCache(SessionInput metadata, ShapeBucket bucket)
    {
        var name = metadata.Name;
        var shape = RandomInputs.ResolveShape(metadata, bucket);
        if (shape.Aggregate(1L, (a, d) => a * d) != 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.CalibrationDataUnsupported,
                $"calibration.text feeds a prefill, but the k/v-cache input '{name}' would be [{string.Join(", ", shape)}] in shape {bucket}; leave its past-length dim out of the shapes (it defaults to 0, an empty cache).");
        }

        return Steps.CalibrationFeeds.EmptyCache(name, metadata.Element, shape);
    }
}
