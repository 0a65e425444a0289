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

    private readonly OrtSession session;
    private readonly InputSet inputs;
    private readonly OrtIoBinding binding;
    private readonly RunOptions runOptions = new();
    private readonly OrtMemoryInfo? deviceMemory;
    private readonly List<OrtValue> outputs = [];

    /// <summary>Binds sample 0 of <paramref name="source"/> (the data calibration and fidelity use) to the session.</summary>
    /// <param name="graphId">Under CUDA graphs, the graph this shape bucket captures and replays (one per bucket: a graph holds fixed shapes).</param>
    public BoundSession(OrtSession session, ShapeBucket bucket, IInputSource source, int graphId = 0)
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
        PreallocateOutputs();
        if (session.CudaGraph)
        {
            runOptions.AddRunConfigEntry(CudaGraphIdKey, graphId.ToString(CultureInfo.InvariantCulture));
        }
    }

    public string Name => session.Name;

    /// <summary>Where the outputs live between runs: the device's memory, or the CPU's.</summary>
    public IReadOnlyList<OrtValue> Outputs => outputs;

    public void RunOnce()
    {
        session.RunBound(runOptions, binding);
    }

    public void Dispose()
    {
        binding.Dispose();
        runOptions.Dispose();
        foreach (var output in outputs)
        {
            output.Dispose();
        }

        deviceMemory?.Dispose();
        inputs.Dispose();
    }

    /// <summary>One untimed run (outside any CUDA graph) that sizes the outputs on the device; they are rebound as pre-allocated values.</summary>
    private void PreallocateOutputs()
    {
        using var sizing = new RunOptions();
        if (session.CudaGraph)
        {
            sizing.AddRunConfigEntry(CudaGraphIdKey, "-1");
        }

        try
        {
            session.Session.RunWithBinding(sizing, binding);
            binding.SynchronizeBoundOutputs();
        }
        catch (OnnxRuntimeException e)
        {
            throw GacException.Create(DiagnosticCatalogue.InferenceFailed, $"Running '{Name}' failed: {e.Message}", inner: e);
        }

        var names = binding.GetOutputNames();
        // Not disposed here: disposing the collection would release the values, which this session now owns.
        var values = binding.GetOutputValues();
        outputs.AddRange(values);
        binding.ClearBoundOutputs();
        for (var i = 0; i < names.Length; i++)
        {
            binding.BindOutput(names[i], outputs[i]);
        }
    }
}
