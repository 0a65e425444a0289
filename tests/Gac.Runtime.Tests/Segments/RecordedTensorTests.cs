using Gac.Core.Model;
using Gac.Runtime.Segments;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Tests.Segments;

/// <summary>
/// A block input recorded during layer-wise validation is fed again to the published artifact's block and
/// to the block timing: the copy must hold the same element type, shape and bits, and outlive its source.
/// </summary>
public sealed class RecordedTensorTests
{
    [Fact]
    public void A_recorded_int64_tensor_comes_back_with_its_type_shape_and_values_after_the_source_is_gone()
    {
        RecordedTensor recorded;
        using (var source = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 1, 2, long.MaxValue, -7, 5 }, [2, 3]))
        {
            recorded = RecordedTensor.Of("position_ids", source);
        }

        using var copy = recorded.ToOrtValue();

        Assert.Equal(OnnxDataType.Int64, recorded.Element);
        Assert.Equal([2L, 3L], copy.GetTensorTypeAndShape().Shape);
        Assert.Equal([0L, 1, 2, long.MaxValue, -7, 5], copy.GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void A_recorded_float16_tensor_keeps_its_bits_including_negative_infinity_of_a_causal_mask()
    {
        var bits = new[] { BitConverter.HalfToUInt16Bits((Half)1.5), BitConverter.HalfToUInt16Bits(Half.NegativeInfinity), (ushort)0x0001 };
        using var source = OrtValue.CreateTensorValueFromMemory(bits.Select(b => new Float16(b)).ToArray(), [1, 3]);

        var recorded = RecordedTensor.Of("mask", source);
        using var copy = recorded.ToOrtValue();

        Assert.Equal(OnnxDataType.Float16, recorded.Element);
        Assert.Equal(bits, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(copy.GetTensorMutableRawData()).ToArray());
    }
}
