namespace Gac.Core.Artifacts;

/// <summary>Writes one file's bytes into a stream the commit owns (the temp file beside the target).</summary>
public delegate Task ArtifactWriter(Stream destination, CancellationToken cancellationToken);

/// <summary>
/// Checks the artifact where it was published (model and data at their final paths) before the
/// commit becomes final; throwing rolls every file back to the earlier artifact.
/// </summary>
public delegate Task ArtifactVerifier(string modelPath, CancellationToken cancellationToken);

/// <summary>A file committed together with the artifact, e.g. a report; it may live in another folder.</summary>
public sealed record CompanionFile(string Path, ArtifactWriter Write)
{
    public static CompanionFile FromBytes(string path, ReadOnlyMemory<byte> bytes)
        => new(path, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask());
}

/// <summary>
/// The accepted model and, for models over protobuf's 2 GB limit, its external-data file. Both
/// targets must sit in the same folder: the model refers to the data file by a relative name, and
/// rename(2) is atomic only within one file system. <see cref="Companions"/> (the run's reports)
/// land or stay out together with the model; <see cref="Verify"/> runs on the published files.
/// </summary>
public sealed record ArtifactContent(string ModelPath, ArtifactWriter WriteModel, string? DataPath = null, ArtifactWriter? WriteData = null)
{
    public IReadOnlyList<CompanionFile> Companions { get; init; } = [];

    public ArtifactVerifier? Verify { get; init; }

    public static ArtifactContent FromBytes(string modelPath, ReadOnlyMemory<byte> model, string? dataPath = null, ReadOnlyMemory<byte>? data = null)
        => new(
            modelPath,
            (stream, ct) => stream.WriteAsync(model, ct).AsTask(),
            dataPath,
            data is { } bytes ? (stream, ct) => stream.WriteAsync(bytes, ct).AsTask() : null);

    /// <summary>Copies already-written candidate files (e.g. from the run's scratch folder) into place.</summary>
    public static ArtifactContent FromFiles(string sourceModel, string modelPath, string? sourceData = null, string? dataPath = null)
        => new(
            modelPath,
            (stream, ct) => CopyAsync(sourceModel, stream, ct),
            dataPath,
            sourceData is null ? null : (stream, ct) => CopyAsync(sourceData, stream, ct));

    private static async Task CopyAsync(string source, Stream destination, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await input.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }
}
