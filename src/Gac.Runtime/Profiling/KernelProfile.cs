using System.Text.Json;
using Gac.Runtime.Benchmark;
using Gac.Runtime.Providers;

namespace Gac.Runtime.Profiling;

/// <summary>The kernels ONNX Runtime's profiler saw for one graph node.</summary>
/// <param name="Node">The node's name in the graph.</param>
/// <param name="OpType">Its operator (MatMul, Gemm, …), from the profiler's op_name.</param>
/// <param name="Provider">The execution provider that ran it (CUDAExecutionProvider, CPUExecutionProvider).</param>
/// <param name="Kernels">Device kernel names launched for it, in first-seen order; empty where the profiler records none.</param>
public sealed record NodeKernels(string Node, string OpType, string Provider, IReadOnlyList<string> Kernels);

/// <summary>
/// Reads an ONNX Runtime profile (the Chrome-trace JSON array SessionOptions.EnableProfiling writes):
/// "Node" events name each node's run as "&lt;node&gt;_kernel_time" with args op_name and provider;
/// builds with CUDA profiling add "Kernel" events (CUPTI) whose args name the node event as
/// parent_name. Kernel names are the evidence of which GEMM path ran (e.g. a tensor-core
/// "…h16816gemm…" versus a SIMT "…sgemm…" kernel); a build or provider that records no kernel events
/// yields nodes with an empty kernel list, never invented names.
/// </summary>
public static class KernelProfile
{
    private const string NodeSuffix = "_kernel_time";

    /// <summary>
    /// Runs <paramref name="modelPath"/> <paramref name="runs"/> times through the timed runs' IoBinding
    /// path with the profiler on and returns its MatMul and Gemm nodes with their kernels. The
    /// profile JSON stays in <paramref name="folder"/>.
    /// </summary>
    public static IReadOnlyList<NodeKernels> Capture(OrtSessionFactory sessions, string modelPath, ShapeBucket bucket, IInputSource source, int runs,
        string folder)
    {
        Directory.CreateDirectory(folder);
        string profile;
        using (var session = sessions.OpenProfiled(modelPath, Path.Combine(folder, "ort-profile")))
        {
            using (var bound = new BoundSession(session, bucket, source))
            {
                for (var i = 0; i < runs; i++)
                {
                    bound.RunOnce();
                }
            }

            profile = session.Session.EndProfiling();
        }

        return Read(Path.IsPathRooted(profile) ? profile : Path.GetFullPath(profile), "MatMul", "Gemm");
    }

    /// <summary>Nodes of the given operators (all when empty), in the order the profile first ran them.</summary>
    public static IReadOnlyList<NodeKernels> Read(string profileJson, params string[] opTypes)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(profileJson));
        var nodes = new Dictionary<string, (string Op, string Provider, List<string> Kernels)>(StringComparer.Ordinal);
        var order = new List<string>();
        var kernelEvents = new List<JsonElement>();
        foreach (var e in Events(document.RootElement))
        {
            var category = Text(e, "cat");
            if (category == "Node" && Text(e, "name") is { } name && name.EndsWith(NodeSuffix, StringComparison.Ordinal) && e.TryGetProperty("args",
                out var args))
            {
                var node = name[..^NodeSuffix.Length];
                if (!nodes.ContainsKey(node))
                {
                    nodes[node] = (Text(args, "op_name") ?? "", Text(args, "provider") ?? "", []);
                    order.Add(node);
                }
            }
            else if (category == "Kernel")
            {
                kernelEvents.Add(e.Clone());
            }
        }

        foreach (var kernel in kernelEvents)
        {
            if (Text(kernel, "name") is not { } kernelName || !kernel.TryGetProperty("args", out var args) || Text(args, "parent_name") is not { } parent)
            {
                continue;
            }

            var node = parent.EndsWith(NodeSuffix, StringComparison.Ordinal) ? parent[..^NodeSuffix.Length] : parent;
            if (nodes.TryGetValue(node, out var entry) && !entry.Kernels.Contains(kernelName))
            {
                entry.Kernels.Add(kernelName);
            }
        }

        return order
            .Select(n => new NodeKernels(n, nodes[n].Op, nodes[n].Provider, nodes[n].Kernels))
            .Where(n => opTypes.Length == 0 || opTypes.Contains(n.OpType, StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>ORT writes a bare array; the Chrome trace format also allows { "traceEvents": [...] }.</summary>
    private static IEnumerable<JsonElement> Events(JsonElement root)
        => root.ValueKind == JsonValueKind.Array ? root.EnumerateArray()
            : root.TryGetProperty("traceEvents", out var events) ? events.EnumerateArray()
            : [];

    private static string? Text(JsonElement element, string property)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}
