using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Gac.Build.FetchMiniLm;

/// <summary>
/// Reads manifest resources embedded in a .NET assembly as data (ECMA-335 II.24.2.4: the CLI
/// header's Resources directory holds each resource as a 4-byte little-endian length followed by
/// the bytes, at the offset its ManifestResource row gives). The assembly is never loaded.
/// </summary>
internal sealed class EmbeddedResourceReader(string assemblyPath)
{
    public byte[] Read(string name)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != name)
            {
                continue;
            }

            if (!resource.Implementation.IsNil)
            {
                throw new InvalidDataException($"{name} lives in another file, not embedded in {assemblyPath}.");
            }

            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var section = pe.GetSectionData(directory.RelativeVirtualAddress).GetContent();
            var offset = checked((int)resource.Offset);
            if (offset + 4 > directory.Size)
            {
                throw new InvalidDataException($"{name}: offset {offset} is outside the resources directory.");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(section.AsSpan(offset, 4));
            if (length < 0 || offset + 4L + length > directory.Size)
            {
                throw new InvalidDataException($"{name}: length {length} runs past the resources directory.");
            }

            return section.AsSpan(offset + 4, length).ToArray();
        }

        throw new InvalidDataException($"{assemblyPath} has no embedded resource {name}.");
    }
}
