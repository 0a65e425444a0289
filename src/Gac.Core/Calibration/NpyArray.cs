using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;

namespace Gac.Core.Calibration;

/// <summary>
/// A NumPy .npy array (format versions 1–3): little-endian float32, float16, int64 or int32, C order.
/// The format is a magic string, a version, a header length and a Python-dict header naming dtype,
/// order and shape, followed by the raw data (numpy's NEP 1 format description).
/// </summary>
public sealed partial record NpyArray(string DType, IReadOnlyList<long> Shape, byte[] Data)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static NpyArray Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Malformed(path, $"cannot be read: {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    public static NpyArray Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw Malformed(path, "is not a .npy file (the magic string \\x93NUMPY is missing)");
        }

        var major = bytes[6];
        var (headerLength, headerStart) = major switch
        {
            1 => (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10),
            2 or 3 when bytes.Length >= 12 => ((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), 12),
            _ => throw Malformed(path, $"has unsupported .npy format version {major}"),
        };
        if (headerStart + headerLength > bytes.Length)
        {
            throw Malformed(path, "is truncated inside its header");
        }

        var header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);
        var descr = Descr().Match(header);
        var shape = ShapeField().Match(header);
        if (!descr.Success || !shape.Success)
        {
            throw Malformed(path, $"has a header without 'descr' or 'shape': {header.Trim()}");
        }

        if (FortranOrder().IsMatch(header))
        {
            throw Malformed(path, "is stored in Fortran order; save it with numpy.ascontiguousarray first");
        }

        var dtype = descr.Groups[1].Value switch
        {
            "<f4" or "f4" => "float32",
            "<f2" or "f2" => "float16",
            "<i8" or "i8" => "int64",
            "<i4" or "i4" => "int32",
            var other => throw Malformed(path, $"has dtype '{other}'; supported: <f4, <f2, <i8, <i4 (little-endian)"),
        };
        var dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, NumberStyles.Integer, CultureInfo.InvariantCulture))
            .ToArray();
        var array = new NpyArray(dtype, dims, bytes[(headerStart + headerLength)..]);
        var expected = array.ElementCount * (dtype is "float32" or "int32" ? 4 : dtype == "int64" ? 8 : 2);
        if (array.Data.Length != expected)
        {
            throw Malformed(path, $"holds {array.Data.Length} data bytes, but shape ({string.Join(", ", dims)}) of {dtype} needs {expected}");
        }

        return array;
    }

    private static GacException Malformed(string path, string what, Exception? inner = null)
        => GacException.Create(DiagnosticCatalogue.CalibrationDataMalformed, $"Calibration file '{path}' {what}.", new SourceLocation(path), inner);

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeField();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranOrder();
}
