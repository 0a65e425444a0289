using System.Buffers.Binary;
using Gac.Core.Numerics;

namespace Gac.Compression.Checkpoints;

/// <summary>float16 and bfloat16 to and from float32, element by element on little-endian bytes.</summary>
internal static class HalfPrecision
{
    public static void Float16ToSingle(ReadOnlySpan<byte> source, Span<float> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
        }
    }

    /// <summary>bfloat16 is the upper half of a float32 (Google Brain float), so widening is a shift.</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<byte> source, Span<float> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
        }
    }

    public static ushort SingleToFloat16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>Rounds to nearest, ties to even (what torch's .to(torch.bfloat16) does); NaN stays a quiet NaN.</summary>
    public static ushort SingleToBFloat16(float value) => BFloat16Bits.FromSingle(value);
}
