using Gac.Core.Model;
using Gac.Onnx;
using Gac.Runtime.Providers;

namespace Gac.Pipeline.Steps;

/// <summary>
/// A model's inputs and outputs read from its ONNX graph, in the form an ONNX Runtime session reports
/// them (a symbolic or unnamed dim is −1 with its name), so feeds can be built for a model that is never
/// opened whole. Inputs that are also initializers (older IR versions list weights as inputs) are left
/// out, as ONNX Runtime leaves them out of a session's inputs.
/// </summary>
public static class GraphSignature
{
    public static SessionSignature Of(OnnxModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Model.Graph;
        var weights = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !weights.Contains(i.Name)).Select(i =>
        {
            var tensor = i.Type?.TensorType;
            var dims = tensor?.Shape?.Dim.ToList() ?? [];
            return new SessionInput(
                i.Name,
                (OnnxDataType)(tensor?.ElemType ?? 0),
                dims.Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : -1).ToArray(),
                dims.Select(d => d.HasDimParam ? d.DimParam : string.Empty).ToArray());
        }).ToList();
        return new SessionSignature(inputs, graph.Output.Select(o => o.Name).ToList());
    }
}
