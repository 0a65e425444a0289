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
    private readonly OrtSession session;
    private readonly InputSet inputs;
    private readonly OrtIoBinding binding;
    private readonly RunOptions runOptions = new();
    private readonly OrtMemoryInfo? deviceMemory;

    /// <summary>Binds sample 0 of <paramref name="source"/> (the data calibration and fidelity use) to the session.</summary>
    public BoundSession(OrtSession session, ShapeBucket bucket, IInputSource source)
    {
        this.session = session ?? throw new ArgumentNullException(nameof(session));
        ArgumentNullException.ThrowIfNull(source);
        inputs = source.Create(session.Signature, bucket, 0);
        binding = session.Session.CreateIoBinding();
        for (var i = 0; i < inputs.Names.Count; i++)
        {
            binding.BindInput(inputs.Names[i], inputs.Values[i]);
        }

        var outputMemory = OrtMemoryInfo.DefaultInstance;
        if (session.Provider == ExecutionProvider.Cuda)
        {
            deviceMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, session.DeviceId, OrtMemType.Default);
            outputMemory = deviceMemory;
        }

        foreach (var output in session.Session.OutputNames)
        {
            binding.BindOutputToDevice(output, outputMemory);
        }

        binding.SynchronizeBoundInputs();
    }

    public string Name => session.Name;

    public void RunOnce()
    {
        session.RunBound(runOptions, binding);
    }

    public void Dispose()
    {
        binding.Dispose();
        runOptions.Dispose();
        deviceMemory?.Dispose();
        inputs.Dispose();
    }
}
