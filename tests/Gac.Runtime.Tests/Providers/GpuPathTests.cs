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

    [GpuFact]
    public void Plain_runs_on_a_cuda_graph_session_compute_each_input_instead_of_replaying_a_captured_graph()
    {
        // Calibration and fidelity run the same sessions as the timed loop, without IoBinding. ONNX Runtime treats
        // such a run as graph 0 unless told otherwise: it would capture on the second run and replay the first
        // input's kernels for every later one. Each run must give its own X·W, as the CPU computes it.
        var model = TinyOnnx.MatMul(64, 32, TinyOnnx.Weights(64 * 32, 5, 0.05f));
        var graphed = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cuda, CudaGraph: true));
        using var cuda = graphed.Open(model, "gac");
        using var cpu = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu)).Open(model, "reference");

        Assert.True(cuda.CudaGraph);
        for (var seed = 1; seed <= 5; seed++)
        {
            using var inputs = new InputSet([InputTensor.Of("X", TinyOnnx.Weights(4 * 64, 100 + seed), [4, 64])]);
            using var onGpu = cuda.Run(inputs, ["Y"], "fidelity");
            using var onCpu = cpu.Run(inputs, ["Y"], "fidelity");
            var expected = onCpu.Floats(0).ToArray();
            var actual = onGpu.Floats(0).ToArray();
            for (var i = 0; i < expected.Length; i++)
            {
                // The CUDA provider may run fp32 MatMul as TF32 (10-bit mantissa): ~1e-3 here; a stale replay is off by O(1).
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-2f, $"run {seed}, element {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }
}
