using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Exporters;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// The export's memory bound, shown by structure: with 16-bit storage each tensor is written to the data file in
/// that type the moment it is handed over (the stream grows by its 2-byte words, page-aligned, before the next
/// one arrives), so the export holds one tensor at a time and never a float32 copy of the model on disk.
/// </summary>
public sealed class InitializerSinkTests
{
    [Fact]
    public void Each_bfloat16_tensor_reaches_the_data_file_in_16_bits_before_the_next_is_read()
    {
        using var stream = new MemoryStream();
        var sink = InitializerSink.External(stream, "model.onnx.data", OnnxDataType.BFloat16);
        var random = new Random(16);
        long end = 0;
        for (var i = 0; i < 3; i++)
        {
            var values = Enumerable.Range(0, 2048).Select(_ => BFloat16Bits.ToSingle(BFloat16Bits.FromSingle((float)random.NextDouble() - 0.5f))).ToArray();

            var tensor = sink.Floats($"w{i}", values, 32, 64);

            var reference = ExternalDataReference.Parse(tensor, "/model.onnx");
            Assert.Equal((int)OnnxDataType.BFloat16, tensor.DataType);
            Assert.Equal(0, reference.Offset % OnnxSaveOptions.ExternalDataAlignment);
            Assert.InRange(reference.Offset, end, end + OnnxSaveOptions.ExternalDataAlignment - 1);
            Assert.Equal(2L * values.Length, reference.Length!.Value);
            Assert.Equal(reference.Offset + reference.Length.Value, stream.Length);
            // The words written are the values' own bfloat16 bits.
            var words = stream.ToArray().AsSpan((int)reference.Offset, (int)reference.Length.Value);
            Assert.Equal(values.Select(BFloat16Bits.FromSingle), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(words).ToArray());
            end = stream.Length;
        }

        Assert.Equal(3, sink.HalfCount);
        Assert.Equal(3L * 2048, sink.FloatCount);
    }

    [Fact]
    public void A_tensor_the_storage_type_cannot_hold_exactly_is_written_float32()
    {
        using var stream = new MemoryStream();
        var sink = InitializerSink.External(stream, "model.onnx.data", OnnxDataType.Float16);
        var values = Enumerable.Repeat(0.5f, 1024).ToArray();
        values[700] = 0.1f; // not a float16 value

        var tensor = sink.Floats("gain", values, 1024);

        Assert.Equal((int)OnnxDataType.Float, tensor.DataType);
        Assert.Equal(4L * 1024, ExternalDataReference.Parse(tensor, "/model.onnx").Length!.Value);
        Assert.Equal(0, sink.HalfCount);
    }
}
