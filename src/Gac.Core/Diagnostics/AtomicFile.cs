namespace Gac.Core.Diagnostics;

/// <summary>
/// Write-to-temporary-then-rename: readers see the old file or the complete new one, never a partial
/// one. A file-system failure becomes the <c>failure</c> diagnostic (by default
/// <see cref="DiagnosticCatalogue.ModelWriteFailed"/>) at the path.
/// </summary>
public static class AtomicFile
{
    /// <param name="what">How the message names the file: "Cannot write {what}: …" (default the quoted path).</param>
    /// <param name="createFolder">Create the target's folder first; otherwise a missing folder is the failure.</param>
    public static void Write(
        string path,
        Action<FileStream> write,
        bool flushToDisk,
        DiagnosticDescriptor? failure = null,
        string? what = null,
        bool createFolder = false)
    {
        var folder = Path.GetDirectoryName(path)!;
        // Same folder as the target so the rename stays on one file system (rename(2) is atomic only there).
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (createFolder)
            {
                Directory.CreateDirectory(folder);
            }

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
                failure ?? DiagnosticCatalogue.ModelWriteFailed,
                $"Cannot write {what ?? $"'{path}'"}: {e.Message}",
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
