using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// A session with its inputs bound once through IoBinding and its outputs bound to the device the
/// provider computes on (GPU memory under CUDA, CPU otherwise), so the timed loop is
/// RunWithBinding + SynchronizeBoundOutputs and copies nothing back (PLATFORM-NOTES.md).
/// Inputs stay in CPU memory; under CUDA, ORT copies them to the GPU inside each run, the same
/// cost for every variant (token ids for a language model are a few kilobytes).
/// </summary>
public sealed class BoundSession : IBenchmarkTarget, IDisposable
{
    private readonly OrtSession _session;
    private readonly InputSet _inputs;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly OrtMemoryInfo? _deviceMemory;

    /// <summary>Binds sample 0 of <paramref name="source"/> (the data calibration and fidelity use) to the session.</summary>
    public BoundSession(OrtSession session, ShapeBucket bucket, IInputSource source)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        ArgumentNullException.ThrowIfNull(source);
        _inputs = source.Create(session.Signature, bucket, 0);
        _binding = session.Session.CreateIoBinding();
        for (var i = 0; i < _inputs.Names.Count; i++)
        {
            _binding.BindInput(_inputs.Names[i], _inputs.Values[i]);
        }

        var outputMemory = OrtMemoryInfo.DefaultInstance;
        if (session.Provider == ExecutionProvider.Cuda)
        {
            _deviceMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, session.DeviceId, OrtMemType.Default);
            outputMemory = _deviceMemory;
        }

        foreach (var output in session.Session.OutputNames)
        {
            _binding.BindOutputToDevice(output, outputMemory);
        }

        _binding.SynchronizeBoundInputs();
    }

    public string Name => _session.Name;

    public void RunOnce()
    {
        _session.RunBound(_runOptions, _binding);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _deviceMemory?.Dispose();
        _inputs.Dispose();
    }
}
