using Gac.Core.Diagnostics;
using Gac.Onnx.ExternalData;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// <see cref="LowRankRewrite"/> one layer at a time, for models too large to hold all factors at
/// once: each layer's A and B are handed to the <see cref="ExternalDataBuilder"/> (when given) as
/// soon as they exist, so memory holds the graph and one layer's factors. Layers may be given in
/// any order, each at most once.
/// </summary>
public sealed class LowRankRewriter
{
    private readonly RewriteGraph _graph;
    private readonly LinearSites _sites;
    private readonly ExternalDataBuilder? _data;
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    public LowRankRewriter(OnnxModelFile model, ExternalDataBuilder? data = null)
    {
        _graph = new RewriteGraph(model, data);
        _sites = new LinearSites(_graph);
        _data = data;
    }

    /// <summary>Layers rewritten so far.</summary>
    public int Count => _done.Count;

    public void Split(LowRankFactors factors)
    {
        Claim(factors.LayerName);
        var (a, b) = LowRankRewrite.Split(_graph, _sites.Layer(factors.LayerName, _graph), factors);
        _graph.Refresh();
        HalfPlacement.Place(_data, a);
        HalfPlacement.Place(_data, b);
    }

    public void ReplaceDense(DenseWeight dense)
    {
        Claim(dense.LayerName);
        var site = _sites.Layer(dense.LayerName, _graph);
        LowRankRewrite.Check(_graph, site, "W", dense.W.LongLength, site.K * site.N, $"K×N = {site.K}×{site.N}");
        var (values, dims) = site.Store(dense.W, site.K, site.N);
        WeightTensors.Replace(_graph, site.Node, 1, values, dims, site.ElementType, ".dense");
        _graph.Refresh();
    }

    /// <summary>The rewritten model; unused weights removed. Tensors not placed keep their source's references.</summary>
    public ModelProto Finish() => _graph.Finish();

    private void Claim(string layer)
    {
        if (!_done.Add(layer))
        {
            throw GacException.Create(
                DiagnosticCatalogue.RewriteLayerNotFound,
                $"Layer '{layer}' is given more than one replacement.",
                new SourceLocation(_graph.SourcePath));
        }
    }
}
