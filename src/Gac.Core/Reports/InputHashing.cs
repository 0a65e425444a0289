using System.Security.Cryptography;
using Gac.Core.Diagnostics;

namespace Gac.Core.Reports;

/// <summary>SHA-256 of a run's input files, streamed so multi-gigabyte models need no memory.</summary>
public static class InputHashing
{
    public static string? Sha256OfFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.InputFileNotFound, $"Cannot read '{path}' to hash it: {e.Message}", new SourceLocation(path), e);
        }
    }

    public static InputHashes Of(string? spec, string? model, string? data) => new(Sha256OfFile(spec), Sha256OfFile(model), Sha256OfFile(data));
}
