using Gac.Runtime.Benchmark;
using Gac.Runtime.Hardware;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;

namespace Gac.Runtime.Tests.Providers;

/// <summary>Runs only where a GPU build of ONNX Runtime loads (GAC_ORT_NATIVE_PATH); elsewhere it is reported as skipped with the reason.</summary>
public sealed class GpuPathTests
{
    [GpuFact]
    public void Cuda_runs_an_fp16_model_through_IoBinding_with_outputs_on_the_device()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cuda));
        using var fp16 = factory.Open(TinyOnnx.MatMul(256, 256, TinyOnnx.Weights(256 * 256, 3, 0.05f), TinyOnnx.Float16), "gac");

        var result = new LatencyBenchmark(new BenchmarkSettings(Warmup: 5, Iterations: 30)).Measure([fp16], [ShapeBucket.Parse("batch=512")]);

        Assert.Equal(ExecutionProvider.Cuda, fp16.Provider);
        Assert.InRange(result[0].Variants[0].P50Ms, 1e-4, 1000);
        Assert.NotEqual(HardwareFingerprint.NotAvailable, HardwareFingerprint.Capture(ExecutionProvider.Cuda).GpuName);
    }

    [GpuFact]
    public void Cuda_graphs_capture_one_graph_per_shape_bucket_and_replay_it()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cuda, CudaGraph: true));
        using var fp16 = factory.Open(TinyOnnx.MatMul(256, 256, TinyOnnx.Weights(256 * 256, 3, 0.05f), TinyOnnx.Float16), "gac");

        var result = new LatencyBenchmark(new BenchmarkSettings(Warmup: 5, Iterations: 30)).Measure([fp16], [ShapeBucket.Parse("batch=1024"), ShapeBucket.Parse(
            "batch=1")]);

        Assert.True(fp16.CudaGraph);
        Assert.Contains("enable_cuda_graph=1", factory.ProviderOptions, StringComparison.Ordinal);
        Assert.All(result, r => Assert.InRange(r.Variants[0].P50Ms, 1e-4, 1000));
    }
}
