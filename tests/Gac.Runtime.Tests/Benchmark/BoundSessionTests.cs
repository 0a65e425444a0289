using Gac.Core.Diagnostics;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;
using Gac.Runtime.Tests.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Tests.Benchmark;

/// <summary>
/// The timed runs' IoBinding path on the CPU provider — the code the CUDA provider runs with device
/// memory: outputs sized by one run, then bound as pre-allocated values that every timed run
/// overwrites in place (the fixed addresses CUDA graph replay needs).
/// </summary>
public sealed class BoundSessionTests
{
    [Fact]
    public void Outputs_are_preallocated_once_and_each_timed_run_writes_the_model_result_into_them()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, IntraOpThreads: 1));
        using var session = factory.Open(TinyOnnx.MatMul(16, 8, TinyOnnx.Weights(16 * 8, 5)), "gac");
        var bucket = ShapeBucket.Parse("batch=4");
        var source = new GeneratedInputs(Core.Model.InputDomains.None, 11);

        using var bound = new BoundSession(session, bucket, source);
        var output = Assert.Single(bound.Outputs);
        Assert.Equal(OrtMemoryInfo.DefaultInstance.Name, output.GetTensorMemoryInfo().Name);
        Assert.Equal([4L, 8L], output.GetTensorTypeAndShape().Shape);
        output.GetTensorMutableDataAsSpan<float>().Fill(float.NaN);
        bound.RunOnce();
        bound.RunOnce();

        Assert.Same(output, Assert.Single(bound.Outputs));
        using var inputs = source.Create(session.Signature, bucket, 0);
        using var runOptions = new RunOptions();
        using var expected = session.Session.Run(runOptions, inputs.Names, inputs.Values, ["Y"]);
        Assert.Equal(expected[0].GetTensorDataAsSpan<float>().ToArray(), output.GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Cuda_graphs_on_the_cpu_provider_are_GAC4062_not_ignored()
    {
        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Cpu, CudaGraph: true));

        var error = Assert.Throws<GacException>(() => factory.ResolveProvider());

        Assert.Equal("GAC4062", error.Diagnostics.Single().Code);
        Assert.Contains("the provider is cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_graphs_with_auto_falling_back_to_the_cpu_are_GAC4062_naming_the_fallback_reason()
    {
        var probe = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Auto));
        if (probe.ResolveProvider() == ExecutionProvider.Cuda)
        {
            return; // a machine with CUDA: auto does not fall back, and GpuPathTests covers CUDA graphs there
        }

        var factory = new OrtSessionFactory(new SessionSettings(ExecutionProviderChoice.Auto, CudaGraph: true));

        var error = Assert.Throws<GacException>(() => factory.ResolveProvider());

        Assert.Equal("GAC4062", error.Diagnostics.Single().Code);
        Assert.Contains("provider: auto fell back to the CPU because", error.Message, StringComparison.Ordinal);
    }
}
