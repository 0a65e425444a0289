using Gac.Core.Diagnostics;

namespace Gac.Onnx.ExternalData;

/// <summary>Reads one tensor's bytes from an external data file, on demand.</summary>
internal static class ExternalDataFile
{
    public static byte[] Read(ModelFolder folder, ExternalDataReference reference, string tensorName, string modelPath)
    {
        var location = new SourceLocation(modelPath);
        var path = folder.Resolve(reference.Location, tensorName);
        var length = reference.Length!.Value;
        if (length > Array.MaxLength)
        {
            throw GacException.Create(
                DiagnosticCatalogue.TensorDataUnsupported,
                $"Tensor '{tensorName}' is {length:N0} bytes, more than one array can hold; split it.",
                location);
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var fileLength = RandomAccess.GetLength(handle);
            if (reference.Offset + length > fileLength)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.ExternalDataTruncated,
                    $"Tensor '{tensorName}' needs bytes {reference.Offset:N0}..{reference.Offset + length:N0} of '{reference.Location}', which has only " +
                        $"{fileLength:N0}.",
                    location);
            }

            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read), reference.Offset + read);
                if (n == 0)
                {
                    throw GacException.Create(
                        DiagnosticCatalogue.ExternalDataTruncated,
                        $"'{reference.Location}' ended while reading tensor '{tensorName}'.",
                        location);
                }

                read += n;
            }

            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw e is FileNotFoundException or DirectoryNotFoundException
                ? GacException.Create(
                    DiagnosticCatalogue.ExternalDataMissing,
                    $"Tensor '{tensorName}' stores its data in '{reference.Location}', which does not exist in '{folder.FullPath}'.",
                    location,
                    e)
                : GacException.Create(
                    DiagnosticCatalogue.ModelFileUnreadable,
                    $"Cannot read external data '{reference.Location}' for tensor '{tensorName}': {e.Message}",
                    location,
                    e);
        }
    }
}
