using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// An open model plus the provider it runs on. Owns the <see cref="InferenceSession"/> and disposes it.
/// </summary>
public sealed class OrtSession : IDisposable
{
    internal OrtSession(string name, InferenceSession session, ExecutionProvider provider, int deviceId)
    {
        Name = name;
        Session = session;
        Provider = provider;
        DeviceId = deviceId;
    }

    /// <summary>A label for reports: "original", "unaligned", "gac" or the file name.</summary>
    public string Name { get; }

    public InferenceSession Session { get; }

    public ExecutionProvider Provider { get; }

    public int DeviceId { get; }

    public void Dispose() => Session.Dispose();
}
