using Gac.Core.Numerics;

namespace Gac.Core.Tests.Numerics;

/// <summary>
/// Expected bit patterns worked out by hand from the definition: bfloat16 = the upper 16 bits of the
/// IEEE 754 binary32, the dropped lower 16 bits rounded to nearest with ties to the even kept bit
/// (a carry may ripple into the exponent); NaN stays NaN.
/// </summary>
public sealed class BFloat16BitsTests
{
    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1.0 exactly
    [InlineData(0xC0000000u, 0xC000)] // -2.0 exactly
    [InlineData(0x40490FDBu, 0x4049)] // π: dropped 0x0FDB < half → down, 3.140625
    [InlineData(0x3F807FFFu, 0x3F80)] // just below the halfway point → down
    [InlineData(0x3F808000u, 0x3F80)] // exactly halfway, kept LSB 0 (even) → stays
    [InlineData(0x3F818000u, 0x3F82)] // exactly halfway, kept LSB 1 (odd) → up to even
    [InlineData(0x3F808001u, 0x3F81)] // just above halfway → up
    [InlineData(0x3FFF8000u, 0x4000)] // halfway with all kept significand bits set: the carry makes 2.0
    [InlineData(0x7F7F7FFFu, 0x7F7F)] // largest value still rounding to the largest finite bfloat16
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue rounds past 0x7F7F to +∞
    [InlineData(0x7F800000u, 0x7F80)] // +∞
    [InlineData(0xFF800000u, 0xFF80)] // -∞
    [InlineData(0x80000000u, 0x8000)] // -0
    [InlineData(0x00000001u, 0x0000)] // smallest float32 subnormal → +0
    [InlineData(0x00008000u, 0x0000)] // subnormal tie, even → 0
    [InlineData(0x00018000u, 0x0002)] // subnormal tie, odd → up
    public void Rounds_to_nearest_even_from_float32(uint single, int expected)
        => Assert.Equal((ushort)expected, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(single)));

    [Theory]
    [InlineData(0x7FC00000u)] // the canonical quiet NaN
    [InlineData(0x7F800001u)] // a signalling NaN whose payload lies only in the dropped bits: truncation alone would give +∞
    [InlineData(0xFFFFFFFFu)]
    public void NaN_stays_NaN(uint single)
    {
        var bits = BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(single));

        Assert.True(float.IsNaN(BFloat16Bits.ToSingle(bits)), $"0x{bits:X4}");
        Assert.Equal(single >> 31, (uint)bits >> 15);
    }

    [Fact]
    public void Widening_is_exact_and_the_largest_finite_value_is_0x7F7F()
    {
        Assert.Equal(1f, BFloat16Bits.ToSingle(0x3F80));
        Assert.Equal(3.140625f, BFloat16Bits.ToSingle(0x4049));
        Assert.Equal(BFloat16Bits.MaxValue, BFloat16Bits.ToSingle(0x7F7F));
        Assert.Equal(BFloat16Bits.MaxValue, (2 - Math.Pow(2, -7)) * Math.Pow(2, 127), 1e30);
        // Every bfloat16 survives the round trip (NaNs aside): narrowing an exact value never moves it.
        for (var bits = 0; bits <= 0xFFFF; bits++)
        {
            var value = BFloat16Bits.ToSingle((ushort)bits);
            if (!float.IsNaN(value))
            {
                Assert.Equal((ushort)bits, BFloat16Bits.FromSingle(value));
            }
        }
    }
}
