using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Runtime.Providers;
using Microsoft.ML.OnnxRuntime;

namespace Gac.Runtime.Benchmark;

/// <summary>
/// A session whose inputs and outputs live where the provider computes (GPU memory under CUDA, CPU
/// memory otherwise) before the timed loop starts, so a timed run is RunWithBinding +
/// SynchronizeBoundOutputs and moves no data (PLATFORM-NOTES.md). Inputs: ONNX Runtime's
/// IoBinding copies a bound CPU tensor to the device of the nodes that read it when it is bound
/// (IOBinding::BindInput, CopyOneInputAcrossDevices), not inside each run. Outputs: the first run
/// lets ONNX Runtime allocate them on the device; they are then bound as pre-allocated values, so
/// every later run writes into the same buffers — fixed addresses, which CUDA graph replay needs.
/// The same code runs on the CPU provider with CPU memory, which is how the tests check it.
/// </summary>
public sealed class BoundSession : IBenchmarkTarget, IDisposable
{
    /// <summary>ONNX Runtime's run-option key naming the CUDA graph a run captures or replays; -1 runs without one.</summary>
    internal const string CudaGraphIdKey = "gpu_graph_id";

    /// <summary>The <see cref="CudaGraphIdKey"/> value of a run that neither captures nor replays a graph.</summary>
    internal const string NoCudaGraphId = "-1";

    private readonly OrtSession _session;
    private readonly InputSet _inputs;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly OrtMemoryInfo? _deviceMemory;
    private readonly List<OrtValue> _outputs = [];

    /// <summary>Binds sample 0 of <paramref name="source"/> (the data calibration and fidelity use) to the session.</summary>
    /// <param name="graphId">Under CUDA graphs, the graph this shape bucket captures and replays (one per bucket: a graph holds fixed shapes).</param>
    public BoundSession(OrtSession session, ShapeBucket bucket, IInputSource source, int graphId = 0)
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
        PreallocateOutputs();
        if (session.CudaGraph)
        {
            _runOptions.AddRunConfigEntry(CudaGraphIdKey, graphId.ToString(CultureInfo.InvariantCulture));
        }
    }

    public string Name => _session.Name;

    /// <summary>Where the outputs live between runs: the device's memory, or the CPU's.</summary>
    public IReadOnlyList<OrtValue> Outputs => _outputs;

    public void RunOnce()
    {
        _session.RunBound(_runOptions, _binding);
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var output in _outputs)
        {
            output.Dispose();
        }

        _deviceMemory?.Dispose();
        _inputs.Dispose();
    }

    /// <summary>One untimed run (outside any CUDA graph) that sizes the outputs on the device; they are rebound as pre-allocated values.</summary>
    private void PreallocateOutputs()
    {
        using var sizing = new RunOptions();
        if (_session.CudaGraph)
        {
            sizing.AddRunConfigEntry(CudaGraphIdKey, NoCudaGraphId);
        }

        try
        {
            _session.Session.RunWithBinding(sizing, _binding);
            _binding.SynchronizeBoundOutputs();
        }
        catch (OnnxRuntimeException e)
        {
            throw GacException.Create(DiagnosticCatalogue.InferenceFailed, $"Running '{Name}' failed: {e.Message}", inner: e);
        }

        var names = _binding.GetOutputNames();
        // Not disposed here: disposing the collection would release the values, which this session now owns.
        var values = _binding.GetOutputValues();
        _outputs.AddRange(values);
        _binding.ClearBoundOutputs();
        for (var i = 0; i < names.Length; i++)
        {
            _binding.BindOutput(names[i], _outputs[i]);
        }
    }
}
