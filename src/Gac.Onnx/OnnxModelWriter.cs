using Gac.Core.Diagnostics;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx;

/// <summary>
/// Writes ONNX models. Every file is written under a temporary name in the target folder and
/// renamed into place, the data file before the model, so the target path never holds a
/// half-written model or a model whose data file is missing.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>Writes a model built in memory (no external data of its own).</summary>
    public static void Write(ModelProto model, string path, OnnxSaveOptions? options = null)
        => Write(OnnxModelFile.FromModel(model, path), path, options ?? OnnxSaveOptions.Default);

    /// <summary>Writes <paramref name="source"/>'s model to <paramref name="path"/>; external tensors are read from the source's folder.</summary>
    public static void Write(OnnxModelFile source, string path, OnnxSaveOptions options)
    {
        var target = Path.GetFullPath(path);
        var targetFolder = Path.GetDirectoryName(target)!;
        var tensors = OnnxTensors.EnumerateAll(source.Model).ToList();
        var hasExternal = tensors.Any(ExternalDataReference.IsExternal);
        var sameFolder = string.Equals(targetFolder, source.Folder.FullPath, StringComparison.Ordinal);
        var inlineSize = EstimateInlineSize(tensors);

        var policy = options.ExternalData;
        if (policy == ExternalDataPolicy.Auto)
        {
            policy = (hasExternal && !sameFolder) || inlineSize >= options.SingleFileLimitBytes
                ? ExternalDataPolicy.External
                : ExternalDataPolicy.Embed;
        }

        if (policy == ExternalDataPolicy.External)
        {
            WriteWithExternalData(source, target, options);
            return;
        }

        var model = source.Model;
        var keepReferences = options.ExternalData == ExternalDataPolicy.Auto && hasExternal && sameFolder;
        if (hasExternal && !keepReferences)
        {
            model = source.Model.Clone();
            var copies = OnnxTensors.EnumerateAll(model).ToList();
            for (var i = 0; i < tensors.Count; i++)
            {
                if (ExternalDataReference.IsExternal(tensors[i]))
                {
                    copies[i].RawData = UnsafeByteOperations.UnsafeWrap(source.ReadTensorBytes(tensors[i]));
                    copies[i].ExternalData.Clear();
                    copies[i].ClearDataLocation();
                    inlineSize += copies[i].RawData.Length;
                }
            }
        }

        if (inlineSize >= OnnxModelFile.ProtobufMessageLimit)
        {
            throw GacException.Create(
                DiagnosticCatalogue.ModelTooLargeToEmbed,
                $"'{target}' would hold {inlineSize:N0} bytes of tensors; a single ONNX file must stay under 2 GB.",
                new SourceLocation(target));
        }

        AtomicFile.Write(target, stream => model.WriteTo(stream), options.FlushToDisk);
    }

    private static void WriteWithExternalData(OnnxModelFile source, string target, OnnxSaveOptions options)
    {
        var dataName = options.ExternalDataFileName ?? Path.GetFileName(target) + ".data";
        if (string.IsNullOrWhiteSpace(dataName)
            || dataName.IndexOfAny(['/', '\\', '\0']) >= 0
            || dataName is "." or ".."
            || string.Equals(dataName, Path.GetFileName(target), StringComparison.Ordinal))
        {
            throw GacException.Create(
                DiagnosticCatalogue.ExternalDataFileNameInvalid,
                $"External data file name '{dataName}' is not a plain file name distinct from the model's.",
                new SourceLocation(target));
        }

        // The same appender the streamed rewrites use: every tensor not inline goes to the data file,
        // page-aligned, which is renamed into place before the model (or dropped when nothing went there).
        using var data = new ExternalDataBuilder(target, options with { ExternalData = ExternalDataPolicy.External, ExternalDataFileName = dataName });
        data.Commit(source);
    }

    /// <summary>
    /// An upper bound of the tensor bytes serialized inline. Google.Protobuf computes sizes in
    /// int32 and overflows past 2 GB, so this is counted in long before asking it.
    /// </summary>
    private static long EstimateInlineSize(IEnumerable<TensorProto> tensors)
    {
        long total = 0;
        foreach (var t in tensors)
        {
            if (ExternalDataReference.IsExternal(t))
            {
                continue;
            }

            // Varints of int32/int64/uint64 take at most 10 bytes each.
            total += t.RawData.Length + 4L * t.FloatData.Count + 8L * t.DoubleData.Count
                + 10L * (t.Int32Data.Count + t.Int64Data.Count + t.Uint64Data.Count)
                + t.StringData.Sum(s => (long)s.Length + 5);
        }

        return total;
    }
}
