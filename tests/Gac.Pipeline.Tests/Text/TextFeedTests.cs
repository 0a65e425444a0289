using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Gac.Pipeline.Text;
using Gac.Runtime.Benchmark;
using Google.Protobuf;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// Real text cut into model inputs, and the split that keeps held-out text away from calibration:
/// for an encoder (MiniLM's real graph and vocabulary) and for a language model (a small graph with
/// input_ids → logits and the byte-level tiny-llama tokenizer).
/// </summary>
public sealed class TextFeedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-text-feed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(100, 30, 20)]
    [InlineData(50, 30, 20)]
    [InlineData(4096, 1024, 2048)]
    public void The_split_gives_calibration_a_prefix_and_validation_the_units_right_after_it_never_overlapping(int available, int calibration, int heldout)
    {
        var split = TextSplit.Of(available, calibration, heldout, "tokens", "t.txt");

        var seen = Enumerable.Range(0, available).Take(split.Calibration).ToHashSet();
        var held = Enumerable.Range(0, available).Take(split.Heldout).ToList();
        Assert.Equal(calibration, seen.Count);
        Assert.Equal(heldout, held.Count);
        Assert.DoesNotContain(held, seen.Contains);
        Assert.Equal(calibration, held[0]);
    }

    [Fact]
    public void Too_little_text_for_calibration_and_held_out_is_GAC4041_naming_the_counts()
    {
        var error = Assert.Throws<GacException>(() => TextSplit.Of(49, 30, 20, "sentences", "s.txt"));

        Assert.Equal("GAC4041", error.Diagnostics[0].Code);
        Assert.Contains("49 sentences", error.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("50 in all", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MiniLm_batches_are_CLS_sentence_SEP_padded_and_masked_and_held_out_sentences_are_never_calibration_sentences()
    {
        using var session = CpuSession.Open(RealTextFiles.MiniLmModel);
        var tokenizer = ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary);
        var calibrationBucket = Bucket(session, batch: 4, seq: 48);
        var heldoutBucket = Bucket(session, batch: 8, seq: 64);

        var feed = TextFeed.Create(tokenizer, RealTextFiles.ExampleSentences, session.Signature, calibrationBucket, 5, heldoutBucket, 3);

        Assert.False(feed.Roles.IsLanguageModel);
        Assert.Equal("attention_mask", feed.Roles.AttentionMask);
        var calibrationLines = feed.Calibration.SelectMany(b => b.Lines).ToList();
        var heldoutLines = feed.Heldout.SelectMany(b => b.Lines).ToList();
        Assert.Equal(Enumerable.Range(1, 20), calibrationLines);
        Assert.Equal(Enumerable.Range(21, 24), heldoutLines);
        Assert.Empty(calibrationLines.Intersect(heldoutLines));

        // Line 1: "The bakery on the corner opens at six, …" — [CLS] the bakery …, [SEP], then [PAD] with mask 0.
        var first = feed.Calibration[0];
        var row = first.TokenIds.AsSpan(0, 48).ToArray();
        var mask = first.AttentionMask.AsSpan(0, 48).ToArray();
        var length = tokenizer.Encode(File.ReadLines(RealTextFiles.ExampleSentences).First()).Count;
        Assert.Equal([101L, 1996], row[..2]);
        Assert.Equal(102, row[length - 1]);
        Assert.All(row[length..], id => Assert.Equal(0, id));
        Assert.Equal(Enumerable.Repeat(1L, length).Concat(Enumerable.Repeat(0L, 48 - length)), mask);

        using var inputs = feed.Inputs(session.Signature, heldoutBucket, feed.Heldout[0]);
        Assert.Equal([8L, 64], inputs["input_ids"].Shape);
        Assert.All(inputs["token_type_ids"].Int64Values.ToArray(), t => Assert.Equal(0, t));
        using var outputs = session.Run(inputs, [session.Signature.OutputNames[0]], "test");
        Assert.Equal(8, outputs.Shape(0)[0]);
    }

    [Fact]
    public void A_sentence_longer_than_seq_is_GAC4042_at_its_line()
    {
        using var session = CpuSession.Open(RealTextFiles.MiniLmModel);
        var text = Path.Combine(_folder, "long.txt");
        File.WriteAllLines(text, ["Short one.", "Short two.", string.Join(' ', Enumerable.Repeat("word", 20)), "Short four."]);
        var bucket = Bucket(session, batch: 1, seq: 12);

        var error = Assert.Throws<GacException>(() => TextFeed.Create(ModelTokenizer.Load(RealTextFiles.MiniLmVocabulary), text, session.Signature, bucket, 2,
            bucket, 2));

        Assert.Equal("GAC4042", error.Diagnostics[0].Code);
        Assert.Equal(new SourceLocation(text, 3), error.Diagnostics[0].Location);
    }

    [Fact]
    public void A_language_model_reads_running_text_in_windows_and_validation_starts_where_calibration_ends()
    {
        using var session = CpuSession.Open(LanguageModel().ToByteArray());
        var tokenizer = ModelTokenizer.Load(Path.Combine(RealTextFiles.TinyLlama, "tokenizer.json"));
        var text = Path.Combine(RealTextFiles.TinyLlama, "heldout.txt");
        var stream = File.ReadAllBytes(text).Select(b => (long)b).ToArray();

        var feed = TextFeed.Create(tokenizer, text, session.Signature, Bucket(session, 1, 128), 8, Bucket(session, 2, 64), 4);

        Assert.True(feed.Roles.IsLanguageModel);
        var calibration = feed.Calibration.SelectMany(b => b.TokenIds).ToArray();
        var heldout = feed.Heldout.SelectMany(b => b.TokenIds).ToArray();
        Assert.Equal(stream[..1024], calibration);
        Assert.Equal(stream[1024..(1024 + 512)], heldout);
        Assert.Equal(new TextSplit(1024, 1024, 512), feed.Split);
    }

    [Fact]
    public void A_model_with_an_input_text_cannot_feed_is_GAC4043_listing_its_inputs()
    {
        var b = new OnnxGraphBuilder("image");
        var pixels = b.Input("pixel_values", OnnxDataType.Float, "batch", 3, 8, 8);
        b.Output(b.Node("Identity", [pixels], "out"), OnnxDataType.Float, "batch", 3, 8, 8);
        using var session = CpuSession.Open(b.Build().ToByteArray());

        var error = Assert.Throws<GacException>(() => TextInputs.Of(session.Signature));

        Assert.Equal("GAC4043", error.Diagnostics[0].Code);
        Assert.Contains("pixel_values (Float, rank 4)", error.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    private static ShapeBucket Bucket(OrtSession session, long batch, long seq)
    {
        var dims = session.Signature.Inputs.SelectMany(m => m.SymbolicDimensions).Where(d => !string.IsNullOrEmpty(d)).Distinct().ToList();
        return new ShapeBucket(dims.ToDictionary(d => d, d => d.Contains("batch", StringComparison.OrdinalIgnoreCase) ? batch : seq));
    }

    /// <summary>logits = float(input_ids): enough graph for a language model's inputs and outputs.</summary>
    private static ModelProto LanguageModel()
    {
        var b = new OnnxGraphBuilder("lm");
        var ids = b.Input("input_ids", OnnxDataType.Int64, "batch", "seq");
        b.Output(b.Node("Cast", [ids], "logits", OnnxAttributes.Int("to", (long)OnnxDataType.Float)), OnnxDataType.Float, "batch", "seq");
        var model = b.Build();
        model.Graph.Node[0].Output[0] = model.Graph.Output[0].Name = "logits";
        return model;
    }
}
