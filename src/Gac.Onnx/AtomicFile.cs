using Gac.Core.Diagnostics;

namespace Gac.Onnx;

/// <summary>Write-to-temporary-then-rename: readers see the old file or the complete new one, never a partial one.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write, bool flushToDisk)
    {
        var folder = Path.GetDirectoryName(path)!;
        // Same folder as the target so the rename stays on one file system (rename(2) is atomic only there).
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw GacException.Create(
                DiagnosticCatalogue.ModelWriteFailed,
                $"Cannot write '{path}': {e.Message}",
                new SourceLocation(path),
                e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the failure being reported matters more than a leftover temporary file.
        }
    }
}
