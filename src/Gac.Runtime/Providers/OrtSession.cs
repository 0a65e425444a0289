using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// An open model plus the provider it runs on. Owns the <see cref="InferenceSession"/> and disposes it.
/// </summary>
public sealed class OrtSession : IDisposable
{
    internal OrtSession(string name, InferenceSession session, ExecutionProvider provider, int deviceId, bool cudaGraph = false)
    {
        Name = name;
        Session = session;
        Provider = provider;
        DeviceId = deviceId;
        CudaGraph = cudaGraph;
    }

    /// <summary>A label for reports: "original", "unaligned", "gac" or the file name.</summary>
    public string Name { get; }

    public InferenceSession Session { get; }

    public ExecutionProvider Provider { get; }

    public int DeviceId { get; }

    /// <summary>The session was opened with enable_cuda_graph: runs with a gpu_graph_id capture once and replay.</summary>
    public bool CudaGraph { get; }

    public void Dispose() => Session.Dispose();
}
