using Gac.Pipeline.Text;
using Google.Protobuf;

namespace Gac.Pipeline.Tests.Text;

/// <summary>
/// A tokenizer.model (SentencePiece, as Llama checkpoints ship it) loads and encodes by SentencePiece's
/// BPE definition: spaces become "▁" with one prepended (add_dummy_prefix), then the adjacent pair whose
/// merged piece has the highest score is merged until none is in the vocabulary; Llama's tokenizer
/// puts BOS first. The model file is written here field by field from sentencepiece_model.proto
/// (ModelProto.pieces = 1 {piece = 1, score = 2, type = 3}; trainer_spec = 2 {model_type = 3 (BPE = 2),
/// unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43}; normalizer_spec = 3 {name = 1,
/// add_dummy_prefix = 3, remove_extra_whitespaces = 4, escape_whitespaces = 5}).
/// </summary>
public sealed class SentencePieceModelTests : IDisposable
{
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;

    private static readonly (string Piece, float Score, int Type)[] Pieces =
    [
        ("<unk>", 0, Unknown), ("<s>", 0, Control), ("</s>", 0, Control),
        ("▁h", -1, Normal), ("ll", -2, Normal), ("▁he", -3, Normal), ("llo", -4, Normal), ("▁hello", -5, Normal),
        ("▁", -6, Normal), ("h", -7, Normal), ("e", -8, Normal), ("l", -9, Normal), ("o", -10, Normal),
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("gac-spm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_sentencepiece_bpe_model_encodes_with_a_leading_BOS_and_highest_score_merges()
    {
        var path = Path.Combine(_folder, "tokenizer.model");
        File.WriteAllBytes(path, Model());

        var tokenizer = ModelTokenizer.Load(path);

        // "▁hello": ▁h (−1), ll (−2), ▁he (−3), llo (−4), ▁hello (−5). "▁hell": ▁h, ll, ▁he, and no
        // "▁hell" piece, so [▁he, ll]. Ids are the pieces' positions.
        Assert.Equal([1, Id("▁hello"), Id("▁he"), Id("ll")], tokenizer.Encode("hello hell"));
        Assert.Null(tokenizer.PaddingId);
    }

    private static int Id(string piece) => Array.FindIndex(Pieces, p => p.Piece == piece);

    private static byte[] Model()
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var (piece, score, type) in Pieces)
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited);
                m.WriteString(piece);
                m.WriteTag(2, WireFormat.WireType.Fixed32);
                m.WriteFloat(score);
                m.WriteTag(3, WireFormat.WireType.Varint);
                m.WriteInt32(type);
            }));
        }

        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            m.WriteTag(3, WireFormat.WireType.Varint);
            m.WriteInt32(2);
            foreach (var (field, value) in new[] { (40, 0), (41, 1), (42, 2), (43, -1) })
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteInt32(value);
            }
        }));
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited);
            m.WriteString("identity");
            foreach (var field in new[] { 3, 4, 5 })
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteBool(true);
            }
        }));
        output.Flush();
        return stream.ToArray();
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }
}
