using Gac.Onnx.Exporters;
using Gac.Onnx.Ir;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>One step of a decode-enabled export: logits [batch, seq, vocab] and each layer's present k/v.</summary>
internal sealed record DecodeStep(float[] Logits, IReadOnlyList<Tensor<float>> Presents);

/// <summary>
/// Runs a model exported with past key/values on ONNX Runtime's CPU provider, feeding the
/// previous step's presents back as the next step's past (or an empty past for a prefill).
/// </summary>
internal sealed class DecodeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options = new() { IntraOpNumThreads = 1 };

    public DecodeRunner(ModelProto model)
    {
        _session = new InferenceSession(model.ToByteArray(), _options);
        Layers = _session.InputMetadata.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal)) / 2;
    }

    public int Layers { get; }

    /// <param name="ids">[batch, seq] row-major.</param>
    /// <param name="past">2 per layer (key, value), as a previous step returned them; null for an empty past.</param>
    public DecodeStep Run(long[] ids, int batch, int sequence, IReadOnlyList<Tensor<float>>? past) =>
        Run([NamedOnnxValue.CreateFromTensor(CheckpointExport.InputName, new DenseTensor<long>(ids, [batch, sequence]))], batch, past);

    /// <summary>One step with <paramref name="leading"/> (ids, and a mask and positions where the graph has them) before the past.</summary>
    internal DecodeStep Run(IReadOnlyList<NamedOnnxValue> leading, int batch, IReadOnlyList<Tensor<float>>? past)
    {
        var inputs = new List<NamedOnnxValue>(leading);
        for (var i = 0; i < Layers; i++)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(CheckpointExport.PastKeyName(i), past?[2 * i] ?? Empty(CheckpointExport.PastKeyName(i), batch)));
            inputs.Add(NamedOnnxValue.CreateFromTensor(CheckpointExport.PastValueName(i), past?[(2 * i) + 1] ?? Empty(CheckpointExport.PastValueName(i),
                batch)));
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

    /// <summary>[batch, kv_heads, 0, head_dim]: past_sequence = 0.</summary>
    private DenseTensor<float> Empty(string name, int batch)
    {
        var dims = _session.InputMetadata[name].Dimensions;
        return new DenseTensor<float>(Array.Empty<float>(), [batch, dims[1], 0, dims[3]]);
    }
}
