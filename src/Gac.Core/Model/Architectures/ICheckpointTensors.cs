namespace Gac.Core.Model.Architectures;

/// <summary>
/// Named weight tensors of a checkpoint, read one at a time as float32 (whatever the stored
/// dtype), so an exporter or a reference forward never holds more than the tensor it works on.
/// Implemented by Gac.Compression's safetensors reader; tests use an in-memory map.
/// </summary>
public interface ICheckpointTensors
{
    /// <summary>The file or folder the tensors come from, for diagnostics.</summary>
    string Source { get; }

    bool Contains(string name);

    /// <summary>The stored shape; GAC1207 when the tensor is absent.</summary>
    IReadOnlyList<long> Shape(string name);

    /// <summary>The tensor's values in row-major order, converted to float32; GAC1207 when absent.</summary>
    float[] ReadFloat32(string name);
}
