using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests;

/// <summary>Runs a model file on ONNX Runtime's CPU provider and returns its first output.</summary>
internal static class OrtRunner
{
    public static float[] Run(string modelPath, string inputName, float[] input, params int[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    /// <summary>Deterministic input values in [-1, 1).</summary>
    public static float[] Input(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
