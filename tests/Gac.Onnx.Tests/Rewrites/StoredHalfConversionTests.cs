using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.Building;
using Gac.Onnx.Rewrites;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>
/// A weight an import stored as bfloat16 behind a storage-only Cast (a BF16 checkpoint) converted for export.dtype fp16: bits to bits,
/// without a float32 array. Expected values from the definitions: a bfloat16 is the float32 with its low 16 bits zero, and float16 is
/// IEEE 754 binary16 rounded to nearest even (System.Half).
/// </summary>
public sealed class StoredHalfConversionTests
{
    [Fact]
    public void A_bfloat16_stored_weight_becomes_the_float16_of_each_bfloat16_value()
    {
        // Values bfloat16 holds exactly but float16 must round: 1 + 2⁻⁷ ... and a subnormal-in-float16 one, signs, zero.
        var values = new[] { 1.0078125f, -3.140625f, 0f, 6.1035156e-05f, 1.1920929e-07f, -65280f, 0.33398438f, 1024.0f }
            .SelectMany(v => Enumerable.Repeat(v, 8)).ToArray();
        var bits = values.Select(BFloat16Bits.FromSingle).ToArray();
        Assert.All(values.Zip(bits), p => Assert.Equal(p.First, BFloat16Bits.ToSingle(p.Second)));   // each value is a bfloat16

        var converted = Fp16Conversion.Apply(StoredLinear(bits));

        var weight = converted.Graph.Initializer.Single(t => t.DataType == (int)OnnxDataType.Float16);
        var actual = MemoryMarshal.Cast<byte, ushort>(weight.RawData.Span).ToArray();
        Assert.Equal(values.Select(v => BitConverter.HalfToUInt16Bits((Half)v)), actual);
        Assert.Equal([16L, 4L], weight.Dims);
    }

    [Fact]
    public void A_bfloat16_stored_weight_beyond_65504_is_refused_with_GAC3050()
    {
        var bits = Enumerable.Repeat(BFloat16Bits.FromSingle(0.5f), 64).ToArray();
        bits[9] = BFloat16Bits.FromSingle(70144f);                   // exact in bfloat16, beyond float16's largest finite value

        var error = Assert.Throws<GacException>(() => Fp16Conversion.Apply(StoredLinear(bits)));

        Assert.Equal("GAC3050", error.Diagnostics.Single().Code);
        Assert.Contains("element 9", error.Diagnostics.Single().Message, StringComparison.Ordinal);
    }

    /// <summary>x[2, 16] · w[16, 4], w a bfloat16 initializer read through a Cast to float32, as a BF16 checkpoint's import writes it.</summary>
    private static OnnxModelFile StoredLinear(ushort[] bits)
    {
        var builder = new OnnxGraphBuilder("stored");
        var x = builder.Input("x", OnnxDataType.Float, 2, 16);
        var stored = builder.Initializer(OnnxTensorFactory.WrapRaw("w", OnnxDataType.BFloat16, MemoryMarshal.AsBytes(bits.AsSpan()).ToArray(), 16, 4));
        var w = builder.Node("Cast", [stored], "w/Cast", OnnxAttributes.Int("to", (long)OnnxDataType.Float));
        builder.Output(builder.Node("MatMul", [x, w]), OnnxDataType.Float, 2, 4);
        return OnnxModelFile.FromModel(builder.Build(), "stored.onnx");
    }
}
