using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>A model that also outputs the inputs of some linear layers, and which output holds which layer's input.</summary>
public sealed record ActivationTapModel(ModelProto Model, IReadOnlyDictionary<string, string> OutputByLayer);

/// <summary>
/// Exposes the activation X of X·W for the named layers as extra graph outputs, for calibration
/// statistics (ASVD's per-channel mean |x|, GAC-METHOD §5). Each distinct X gets one output,
/// "&lt;X&gt;.tap", made by an Identity node so the name is new even when X is already a graph
/// input or output; layers reading the same X (q, k and v) share it. The output has X's shape:
/// [batch, seq, K] before a MatMul, [tokens, K] before a 2-D Gemm — channels are the last axis
/// (for a Gemm with transA = 1, the first). Returns a new model; the input is not changed.
/// </summary>
public static class ActivationTaps
{
    /// <summary>
    /// The activation each named layer reads (layers sharing an input share the name), read from the model
    /// as it is — no working copy, which for weights stored inside the model would be a second copy of them.
    /// Layers pair with linear nodes as <see cref="LinearSites"/> pairs them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LayerInputs(OnnxModelFile model, IReadOnlyList<string> layerNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        var inventory = Discovery.LinearLayerDiscovery.Discover(model);
        var nodes = LinearSites.LinearNodes(model.Model.Graph, new Discovery.GraphIndex(model.Model.Graph));
        if (nodes.Count != inventory.Layers.Count)
        {
            throw new InvalidOperationException($"Discovery found {inventory.Layers.Count} layers but the graph has {nodes.Count} linear nodes.");
        }

        var byName = inventory.Layers.Select((l, i) => (l.Name, nodes[i].Input[0])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
        return layerNames.ToDictionary(n => n, n => byName.TryGetValue(n, out var input) ? input : throw Core.Diagnostics.GacException.Create(
            Core.Diagnostics.DiagnosticCatalogue.RewriteLayerNotFound,
            $"No linear layer named '{n}' in the model.",
            new Core.Diagnostics.SourceLocation(model.Path)), StringComparer.Ordinal);
    }

    public static ActivationTapModel Apply(OnnxModelFile model, IReadOnlyList<string> layerNames)
    {
        var graph = new RewriteGraph(model);
        var sites = new LinearSites(graph);
        var byValue = new Dictionary<string, string>(StringComparer.Ordinal);
        var byLayer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in layerNames)
        {
            var site = sites.Layer(name, graph);
            if (!byValue.TryGetValue(site.Input, out var output))
            {
                output = graph.FreshName(site.Input + ".tap");
                var identity = new NodeProto { Name = graph.FreshName(output + "/Identity"), OpType = "Identity" };
                identity.Input.Add(site.Input);
                identity.Output.Add(output);
                graph.Graph.Node.Add(identity);
                // Element type only: the rank differs between MatMul and Gemm layers and ONNX allows it unknown.
                graph.Graph.Output.Add(new ValueInfoProto
                {
                    Name = output,
                    Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)site.ElementType } },
                });
                byValue[site.Input] = output;
            }

            byLayer[name] = output;
        }

        return new ActivationTapModel(graph.Model, byLayer);
    }
}
