using Gac.Runtime.Providers;

namespace Gac.Runtime.Tests.Providers;

/// <summary>
/// The report's <c>providerOptions</c> for the CUDA provider, built from ONNX Runtime's "key=value;…" echo of its settings.
/// On an H200 (docs/gpu-results.md) ONNX Runtime 1.31 reported device_id, use_tf32 and cudnn_conv_algo_search and left
/// enable_cuda_graph out although it was set (the graphs were captured and replayed); the echo below holds those three keys.
/// </summary>
public sealed class ProviderOptionsTextTests
{
    private const string Echo = "device_id=0;use_tf32=1;cudnn_conv_algo_search=EXHAUSTIVE";

    [Fact]
    public void Cuda_graphs_the_factory_set_are_reported_as_set_when_onnx_runtime_leaves_them_out()
    {
        var text = OrtSessionFactory.CudaOptionsText(Echo, cudaGraphRequested: true);

        Assert.Contains("device_id=0", text, StringComparison.Ordinal);
        Assert.Contains("use_tf32=1", text, StringComparison.Ordinal);
        Assert.Contains("cudnn_conv_algo_search=EXHAUSTIVE", text, StringComparison.Ordinal);
        Assert.Contains("enable_cuda_graph=1 (set by gac-build; not reported back by ONNX Runtime)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cuda_graphs_the_text_says_they_are_off_rather_than_unknown()
    {
        var text = OrtSessionFactory.CudaOptionsText(Echo, cudaGraphRequested: false);

        Assert.Contains("enable_cuda_graph=0 (not set", text, StringComparison.Ordinal);
        Assert.DoesNotContain("enable_cuda_graph=not reported", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_onnx_runtime_does_report_is_taken_as_reported()
    {
        var text = OrtSessionFactory.CudaOptionsText(Echo + ";enable_cuda_graph=1", cudaGraphRequested: true);

        Assert.EndsWith("enable_cuda_graph=1", text, StringComparison.Ordinal);
    }
}
