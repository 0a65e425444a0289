namespace Gac.Runtime.Profiling;

/// <summary>
/// Builds the ONNX model of a probe. Gac.Runtime depends on ONNX Runtime, not on the ONNX writer
/// (ARCHITECTURE.md), so the host that has both supplies it.
/// </summary>
public interface IGemmModelSource
{
    /// <summary>
    /// A serialized ModelProto with one input of shape [M, K] and one output [M, N], both of the probe's
    /// element type, and no symbolic dimension.
    /// </summary>
    byte[] Build(GemmProbe probe);
}
