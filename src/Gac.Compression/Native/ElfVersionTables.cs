using System.Buffers.Binary;
using System.Text;

namespace Gac.Compression.Native;

/// <summary>One Vernaux entry of an ELF version-needs table: "this file needs version V of library L".</summary>
/// <param name="FlagsOffset">File offset of the entry's 16-bit vna_flags field, for patching a copy.</param>
internal sealed record ElfVersionNeed(string Library, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>VER_FLG_WEAK (elf.h): the dynamic loader tolerates a provider that lacks this version.</summary>
    public const ushort WeakFlag = 0x2;

    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// Reads the GNU symbol-versioning tables of a little-endian ELF64 shared object (layouts from
/// elf.h / the LSB "Symbol Versioning" chapter). Only what the native loader needs: the
/// version-needs table (.gnu.version_r) of a library and the version definitions (.gnu.version_d)
/// of the libstdc++ it will bind to.
/// </summary>
internal static class ElfVersionTables
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int SectionHeaderSize = 64;

    public static IReadOnlyList<ElfVersionNeed> ReadNeeds(ReadOnlySpan<byte> image)
    {
        var needs = new List<ElfVersionNeed>();
        var sections = Sections(image);
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strings = StringTable(sections, section);
            long entry = section.Offset;
            // sh_info holds the number of Verneed entries (one per needed library).
            for (uint i = 0; i < section.Info; i++)
            {
                var cnt = U16(image, entry + 2);
                var library = ReadString(image, strings, U32(image, entry + 4));
                long aux = entry + U32(image, entry + 8);
                for (var j = 0; j < cnt; j++)
                {
                    var flags = U16(image, aux + 4);
                    var version = ReadString(image, strings, U32(image, aux + 8));
                    needs.Add(new ElfVersionNeed(library, version, flags, aux + 4));
                    aux += U32(image, aux + 12);
                }
                var next = U32(image, entry + 12);
                if (next == 0)
                {
                    break;
                }
                entry += next;
            }
        }
        return needs;
    }

    public static IReadOnlySet<string> ReadDefinitions(ReadOnlySpan<byte> image)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sections = Sections(image);
        foreach (var section in sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strings = StringTable(sections, section);
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                // The first Verdaux of a Verdef names the version itself; later ones name its parents.
                long aux = entry + U32(image, entry + 12);
                names.Add(ReadString(image, strings, U32(image, aux)));
                var next = U32(image, entry + 16);
                if (next == 0)
                {
                    break;
                }
                entry += next;
            }
        }
        return names;
    }

    public static void MarkWeak(Span<byte> image, ElfVersionNeed need)
    {
        var flags = U16(image, need.FlagsOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(image.Slice(checked((int)need.FlagsOffset), 2), (ushort)(flags | ElfVersionNeed.WeakFlag));
    }

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info);

    private static Section[] Sections(ReadOnlySpan<byte> image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("not a little-endian 64-bit ELF file");
        }
        var tableOffset = checked((long)U64(image, 0x28));
        var entrySize = U16(image, 0x3A);
        var count = U16(image, 0x3C);
        if (count == 0 || entrySize < SectionHeaderSize || tableOffset + (long)count * entrySize > image.Length)
        {
            throw new InvalidDataException("the ELF file has no readable section-header table");
        }
        var sections = new Section[count];
        for (var i = 0; i < count; i++)
        {
            var h = tableOffset + (long)i * entrySize;
            sections[i] = new Section(
                U32(image, h + 4),
                checked((long)U64(image, h + 0x18)),
                checked((long)U64(image, h + 0x20)),
                U32(image, h + 0x28),
                U32(image, h + 0x2C));
        }
        return sections;
    }

    private static Section StringTable(Section[] sections, Section versions)
        => versions.Link < sections.Length
            ? sections[versions.Link]
            : throw new InvalidDataException("a version table links to a missing string table");

    private static string ReadString(ReadOnlySpan<byte> image, Section strings, uint index)
    {
        var start = checked(strings.Offset + index);
        if (index >= strings.Size || start >= image.Length)
        {
            throw new InvalidDataException("a version name points outside the string table");
        }
        var rest = image[(int)start..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new InvalidDataException("an unterminated string in the string table");
        }
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static ushort U16(ReadOnlySpan<byte> image, long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(image, offset, 2));

    private static uint U32(ReadOnlySpan<byte> image, long offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(image, offset, 4));

    private static ulong U64(ReadOnlySpan<byte> image, long offset) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(image, offset, 8));

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> image, long offset, int length)
    {
        if (offset < 0 || offset + length > image.Length)
        {
            throw new InvalidDataException($"a table entry at offset {offset} lies outside the file");
        }
        return image.Slice((int)offset, length);
    }
}
