using Gac.Core.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Runtime.Segments;

/// <summary>
/// A tensor copied out of a segment run (a block's input on one held-out batch), kept as its raw bytes
/// so it outlives the run: a later check (the published artifact's blocks) and the block latency
/// benchmark are fed exactly the values validation fed, of any element type.
/// </summary>
public sealed record RecordedTensor(string Name, OnnxDataType Element, long[] Shape, byte[] Bytes)
{
    /// <summary>A value holding a copy of the bytes; the caller disposes it.</summary>
    internal OrtValue ToOrtValue()
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)(int)Element, Shape);
        Bytes.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    internal static RecordedTensor Of(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        return new RecordedTensor(name, (OnnxDataType)(int)info.ElementDataType, info.Shape, value.GetTensorMutableRawData().ToArray());
    }
}
