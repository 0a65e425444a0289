using Gac.Onnx.Ir;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gac.Onnx.Tests.Rewrites;

/// <summary>Runs an in-memory model on ONNX Runtime's CPU provider and returns every output by name.</summary>
internal static class ModelRun
{
    public static IReadOnlyDictionary<string, (float[] Values, int[] Shape)> All(ModelProto model, string inputName, float[] input, params int[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var tensor = new DenseTensor<float>(input, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        return results.ToDictionary(r => r.Name, r => (r.AsEnumerable<float>().ToArray(), r.AsTensor<float>().Dimensions.ToArray()));
    }

    /// <summary>The first graph output.</summary>
    public static float[] First(ModelProto model, string inputName, float[] input, params int[] shape)
        => All(model, inputName, input, shape)[model.Graph.Output[0].Name].Values;

    public static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }
}
