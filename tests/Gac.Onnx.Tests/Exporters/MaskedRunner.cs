using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Runs an export with attention_mask and position_ids (and, when the graph has it, the k/v cache) on
/// ONNX Runtime's CPU provider: the inputs a generation server feeds, given explicitly.
/// </summary>
internal sealed class MaskedRunner(ModelProto model) : IDisposable
{
    private readonly DecodeRunner _runner = new(model);

    public int Layers => _runner.Layers;

    /// <param name="ids">[batch, seq] row-major.</param>
    /// <param name="mask">[batch, past + seq] row-major: 1 real, 0 padding.</param>
    /// <param name="positions">[batch, seq] row-major.</param>
    /// <param name="past">2 per layer, as a previous step returned them; null for an empty past.</param>
    public DecodeStep Run(long[] ids, long[] mask, long[] positions, int batch, IReadOnlyList<Tensor<float>>? past)
    {
        var sequence = ids.Length / batch;
        return _runner.Run(
        [
            NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [batch, sequence])),
            NamedOnnxValue.CreateFromTensor(CheckpointExport.AttentionMaskName, new DenseTensor<long>(mask, [batch, mask.Length / batch])),
            NamedOnnxValue.CreateFromTensor(CheckpointExport.PositionIdsName, new DenseTensor<long>(positions, [batch, sequence])),
        ], batch, past);
    }

    public void Dispose() => _runner.Dispose();
}
