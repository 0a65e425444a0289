using Gac.Core.Diagnostics;
using Gac.Runtime.Benchmark;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Providers;

/// <summary>
/// An open model plus the provider it runs on. Owns the <see cref="InferenceSession"/> and disposes
/// it. Every run goes through <see cref="Run"/> (or, for the timed loop, <see cref="RunBound"/>), the
/// one place an ONNX Runtime failure becomes a diagnostic (GAC4007) instead of an exception with a
/// stack trace.
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
        Signature = SessionSignature.Of(session);
    }

    /// <summary>A label for reports: "original", "unaligned", "gac" or the file name.</summary>
    public string Name { get; }

    /// <summary>The model's inputs and outputs as loaded, without ONNX Runtime types.</summary>
    public SessionSignature Signature { get; }

    public ExecutionProvider Provider { get; }

    public int DeviceId { get; }

    /// <summary>The session was opened with enable_cuda_graph: runs with a gpu_graph_id capture once and replay.</summary>
    public bool CudaGraph { get; }
    internal InferenceSession Session { get; }

    /// <summary>Runs the model on <paramref name="inputs"/> and returns <paramref name="outputs"/>; <paramref name="purpose"/> ("calibration", "fidelity")
    /// names the run in a failure.</summary>
    public SessionOutputs Run(InputSet inputs, IReadOnlyList<string> outputs, string purpose)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        return Guard(purpose, () =>
        {
            using var options = UngraphedRunOptions();
            return new SessionOutputs(Session.Run(options, inputs.Names, inputs.Values, outputs), outputs);
        });
    }

    /// <summary>A run on ONNX Runtime values the caller owns (a segmented run's carried tensors); the caller disposes the outputs.</summary>
    internal IDisposableReadOnlyCollection<OrtValue> RunValues(
        IReadOnlyCollection<string> names, IReadOnlyCollection<OrtValue> values, IReadOnlyCollection<string> outputs, string purpose)
        => Guard(purpose, () =>
        {
            using var options = UngraphedRunOptions();
            return Session.Run(options, names, values, outputs);
        });

    /// <summary>One run with inputs and outputs bound through IoBinding (the latency loop).</summary>
    internal void RunBound(RunOptions options, OrtIoBinding binding)
        => Guard("latency", () =>
        {
            Session.RunWithBinding(options, binding);
            binding.SynchronizeBoundOutputs();
            return true;
        });

    public void Dispose() => Session.Dispose();

    /// <summary>
    /// Options for a run outside the timed loop. On a session opened with enable_cuda_graph, ONNX Runtime
    /// treats a run without a gpu_graph_id as graph 0: after one plain run it captures, and from then on
    /// replays the captured kernels with the addresses of that run, whatever inputs a later plain run passes.
    /// Only <see cref="BoundSession"/>'s fixed device buffers make a replay valid, so calibration and
    /// fidelity runs opt out of capture with the id ONNX Runtime reserves for that (-1).
    /// </summary>
    private RunOptions UngraphedRunOptions()
    {
        var options = new RunOptions();
        if (CudaGraph)
        {
            options.AddRunConfigEntry(BoundSession.CudaGraphIdKey, BoundSession.NoCudaGraphId);
        }

        return options;
    }

    private T Guard<T>(string purpose, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (OnnxRuntimeException e)
        {
            throw GacException.Create(DiagnosticCatalogue.InferenceFailed, $"Running '{Name}' ({purpose}) failed: {e.Message}", inner: e);
        }
    }
}
