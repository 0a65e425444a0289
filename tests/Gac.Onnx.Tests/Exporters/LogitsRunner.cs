using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Exporters;

/// <summary>Runs an exported language model on ONNX Runtime's CPU provider: token ids in, logits out.</summary>
internal static class LogitsRunner
{
    public static float[] Run(string modelPath, long[] ids, int batch, int sequence)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [batch, sequence]))]);
        var logits = results.Single(r => r.Name == "logits").AsTensor<float>();
        Assert.Equal([batch, sequence], logits.Dimensions[..2].ToArray());
        return logits.ToArray();
    }

    /// <summary>A model built in memory (weights inline), prefill only: logits [batch, seq, vocab].</summary>
    public static float[] Run(Gac.Onnx.Ir.ModelProto model, long[] ids, int batch, int sequence)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [batch, sequence]))]);
        return results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
    }
}
