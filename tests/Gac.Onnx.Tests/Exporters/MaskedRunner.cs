using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>
/// Runs an export with attention_mask and position_ids (and, when the graph has it, the k/v cache) on
/// ONNX Runtime's CPU provider: the inputs a generation server feeds, given explicitly.
/// </summary>
internal sealed class MaskedRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options = new() { IntraOpNumThreads = 1 };

    public MaskedRunner(ModelProto model)
    {
        _session = new InferenceSession(model.ToByteArray(), _options);
        Layers = _session.InputMetadata.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal)) / 2;
    }

    public int Layers { get; }

    /// <param name="ids">[batch, seq] row-major.</param>
    /// <param name="mask">[batch, past + seq] row-major: 1 real, 0 padding.</param>
    /// <param name="positions">[batch, seq] row-major.</param>
    /// <param name="past">2 per layer, as a previous step returned them; null for an empty past.</param>
    public DecodeStep Run(long[] ids, long[] mask, long[] positions, int batch, IReadOnlyList<Tensor<float>>? past)
    {
        var sequence = ids.Length / batch;
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [batch, sequence])),
            NamedOnnxValue.CreateFromTensor(CheckpointExport.AttentionMaskName, new DenseTensor<long>(mask, [batch, mask.Length / batch])),
            NamedOnnxValue.CreateFromTensor(CheckpointExport.PositionIdsName, new DenseTensor<long>(positions, [batch, sequence])),
        };
        for (var i = 0; i < Layers; i++)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(CheckpointExport.PastKeyName(i), past?[2 * i] ?? Empty(CheckpointExport.PastKeyName(i), batch)));
            inputs.Add(NamedOnnxValue.CreateFromTensor(CheckpointExport.PastValueName(i), past?[(2 * i) + 1] ?? Empty(CheckpointExport.PastValueName(i), batch)));
        }

        using var results = _session.Run(inputs);
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>().Clone());
        var presents = Enumerable.Range(0, Layers)
            .SelectMany(i => new[] { byName[CheckpointExport.PresentKeyName(i)], byName[CheckpointExport.PresentValueName(i)] })
            .ToList();
        return new DecodeStep(byName[CheckpointExport.OutputName].ToArray(), presents);
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }

    private DenseTensor<float> Empty(string name, int batch)
    {
        var dims = _session.InputMetadata[name].Dimensions;
        return new DenseTensor<float>(Array.Empty<float>(), [batch, dims[1], 0, dims[3]]);
    }
}
