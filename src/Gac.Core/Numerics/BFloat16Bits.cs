namespace Gac.Core.Numerics;

/// <summary>
/// bfloat16 ("brain float"): the upper 16 bits of an IEEE 754 binary32 — sign, the full 8-bit
/// exponent, 7 stored significand bits (8 with the implicit one). Widening is a shift; narrowing
/// rounds the dropped 16 bits to nearest, ties to even, as torch's .to(torch.bfloat16), CUDA's
/// __float2bfloat16 and ONNX Runtime's Cast do. .NET 10 has no public BFloat16 type, hence these bits.
/// </summary>
public static class BFloat16Bits
{
    /// <summary>The largest finite bfloat16, 0x7F7F: (2 − 2⁻⁷)·2¹²⁷ ≈ 3.3895e38.</summary>
    public const float MaxValue = 3.38953139e38f;

    /// <summary>
    /// Round to nearest, ties to even. NaN stays NaN (the quiet bit is set, since a payload held only in the
    /// dropped bits would otherwise read as infinity). A finite float32 at or beyond 0x7F7F8000 rounds to infinity.
    /// </summary>
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        // Adding 0x7FFF rounds up exactly when the dropped half exceeds 0x8000; the kept LSB breaks the tie.
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}
