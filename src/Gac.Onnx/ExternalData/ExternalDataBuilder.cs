using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.ExternalData;

/// <summary>
/// Builds a model's external data file while the model is still being rewritten: each new weight is
/// appended (page-aligned) the moment it is produced and its bytes dropped from memory, so writing
/// a compressed copy of a model larger than RAM holds one layer's weights at a time. The data file
/// grows under a temporary name beside the target and becomes "&lt;model&gt;.data" only in
/// <see cref="Commit"/>, after every other tensor has been appended; disposing without a commit
/// deletes it. A model that ends up small enough is written as one file instead (the appended
/// bytes are read back), so the choice of layout stays <see cref="OnnxModelWriter"/>'s.
/// </summary>
public sealed class ExternalDataBuilder : IDisposable
{
    private readonly string _target;
    private readonly string _tempPath;
    private readonly OnnxSaveOptions _options;
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    private FileStream? _stream;

    public ExternalDataBuilder(string modelPath, OnnxSaveOptions? options = null)
    {
        _target = System.IO.Path.GetFullPath(modelPath);
        _options = options ?? OnnxSaveOptions.Default;
        DataName = _options.ExternalDataFileName ?? System.IO.Path.GetFileName(_target) + ".data";
        var folder = System.IO.Path.GetDirectoryName(_target)!;
        _tempPath = System.IO.Path.Combine(folder, $".{DataName}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelWriteFailed, $"Cannot write '{_tempPath}': {e.Message}", new SourceLocation(_target), e);
        }
    }

    /// <summary>The data file's name, relative to the model's folder, as tensors reference it.</summary>
    public string DataName { get; }

    /// <summary>
    /// The 16-bit type (Float16 or BFloat16) the model is headed for, or null: new weights are then written in it
    /// as they are made (Gac.Onnx.Rewrites.HalfPlacement), so no float32 copy of them reaches the disk.
    /// </summary>
    public OnnxDataType? HalfType { get; init; }

    /// <summary>Weights a rewrite stored in <see cref="HalfType"/> ahead of the conversion, which reads them as the float32 values they stand for.</summary>
    public ISet<string> HalfStored { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Bytes appended so far (padding included).</summary>
    public long Length => Stream.Length;

    private FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(ExternalDataBuilder));

    /// <summary>
    /// Moves an in-memory tensor of at least the external threshold into the data file and turns it
    /// into an external reference. Smaller tensors stay inline. Returns whether it moved.
    /// </summary>
    public bool Place(TensorProto tensor)
    {
        if (ExternalDataReference.IsExternal(tensor) || !tensor.HasRawData || tensor.RawData.Length < _options.ExternalThresholdBytes)
        {
            return false;
        }

        Append(tensor, tensor.RawData.Span);
        return true;
    }

    /// <summary>Gives a tensor a new name, keeping track of it when it was placed here.</summary>
    public void Rename(TensorProto tensor, string name)
    {
        if (_placed.Remove(tensor.Name))
        {
            _placed.Add(name);
        }

        tensor.Name = name;
    }

    /// <summary>Places every in-memory tensor of <paramref name="model"/> that is large enough (after a rewrite step).</summary>
    public void PlaceAll(ModelProto model)
    {
        foreach (var tensor in OnnxTensors.EnumerateAll(model))
        {
            Place(tensor);
        }
    }

    /// <summary>
    /// Appends every tensor of <paramref name="source"/> not placed yet (external ones are read from
    /// the source's folder one at a time), then writes the model: external data renamed into place
    /// before the model file, or everything inline when the writer's policy says the model fits one file.
    /// </summary>
    /// <param name="cancellationToken">Checked before each tensor is appended (synchronous file I/O, one tensor at a time); a cancelled commit leaves no model
    /// file and its temporary data file is removed on dispose.</param>
    public void Commit(OnnxModelFile source, CancellationToken cancellationToken = default)
    {
        var model = source.Model.Clone();
        var originals = OnnxTensors.EnumerateAll(source.Model).ToList();
        var copies = OnnxTensors.EnumerateAll(model).ToList();
        var foreignExternal = false;
        long inlineBytes = 0;
        for (var i = 0; i < originals.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsPlaced(originals[i]))
            {
                continue;
            }

            var external = ExternalDataReference.IsExternal(originals[i]);
            foreignExternal |= external;
            if (external || (originals[i].HasRawData && originals[i].RawData.Length >= _options.ExternalThresholdBytes))
            {
                var bytes = source.ReadTensorBytes(originals[i]);
                Append(copies[i], bytes.Span);
                Core.Memory.LargeObjects.ReleaseAfter(bytes.Length);       // written: the bytes read are garbage, and so are the last tensor's
            }
            else
            {
                inlineBytes += originals[i].RawData.Length;
            }
        }

        var embed = _options.ExternalData == ExternalDataPolicy.Embed
            || Stream.Length == 0
            || (_options.ExternalData == ExternalDataPolicy.Auto && !foreignExternal && Stream.Length + inlineBytes < _options.SingleFileLimitBytes);
        if (embed)
        {
            ReadBack(copies);
            Discard();
            OnnxModelWriter.Write(OnnxModelFile.FromModel(model, _target), _target, _options with { ExternalData = ExternalDataPolicy.Embed });
            return;
        }

        var dataPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_target)!, DataName);
        try
        {
            Stream.Flush(_options.FlushToDisk);
            _stream!.Dispose();
            _stream = null;
            File.Move(_tempPath, dataPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelWriteFailed, $"Cannot write '{dataPath}': {e.Message}", new SourceLocation(dataPath), e);
        }

        // Every tensor now references this folder's data file or is inline: Auto keeps the references.
        OnnxModelWriter.Write(
            OnnxModelFile.FromModel(model, _target),
            _target,
            _options with { ExternalData = ExternalDataPolicy.Auto, SingleFileLimitBytes = long.MaxValue });
    }

    public void Dispose() => Discard();

    /// <summary>
    /// The tensor as it was before <see cref="Place"/> moved it (raw data read back from the file), or
    /// the tensor itself when it was not placed here: later rewrite steps may read what earlier ones placed.
    /// </summary>
    public TensorProto Resolve(TensorProto tensor)
    {
        if (!IsPlaced(tensor))
        {
            return tensor;
        }

        var copy = tensor.Clone();
        ReadBack([copy]);
        return copy;
    }

    private bool IsPlaced(TensorProto tensor) => ExternalDataReference.IsExternal(tensor) && _placed.Contains(tensor.Name)
        && tensor.ExternalData.Any(e => e.Key == ExternalDataReference.LocationKey && e.Value == DataName);

    private void Append(TensorProto tensor, ReadOnlySpan<byte> bytes)
    {
        var stream = Stream;
        var alignment = OnnxSaveOptions.ExternalDataAlignment;
        var offset = (stream.Length + alignment - 1) / alignment * alignment;
        try
        {
            stream.Position = stream.Length;
            stream.Write(new byte[offset - stream.Length]);
            stream.Write(bytes);
        }
        catch (IOException e)
        {
            throw GacException.Create(DiagnosticCatalogue.ModelWriteFailed, $"Cannot write '{_tempPath}': {e.Message}", new SourceLocation(_target), e);
        }

        new ExternalDataReference(DataName, offset, bytes.Length).WriteTo(tensor);
        _placed.Add(tensor.Name);
    }

    private void ReadBack(IEnumerable<TensorProto> tensors)
    {
        var stream = Stream;
        foreach (var tensor in tensors.Where(t => ExternalDataReference.IsExternal(t) && _placed.Contains(t.Name)))
        {
            var reference = ExternalDataReference.Parse(tensor, _target);
            var bytes = new byte[reference.Length!.Value];
            stream.Position = reference.Offset;
            stream.ReadExactly(bytes);
            tensor.ExternalData.Clear();
            tensor.ClearDataLocation();
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        }
    }

    private void Discard()
    {
        if (_stream is null)
        {
            return;
        }

        _stream.Dispose();
        _stream = null;
        try
        {
            File.Delete(_tempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless; the error being reported (if any) matters more.
        }
    }
}
