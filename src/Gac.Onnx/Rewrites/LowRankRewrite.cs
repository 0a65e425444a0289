using Gac.Core.Diagnostics;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Replaces linear layers Y = X·W (+b) by two GEMMs Y = (X·A)·B (+b), the low-rank form of
/// GAC-METHOD §1: rank r becomes N of the first GEMM and K of the second. MatMul layers become
/// MatMul(X, A) → MatMul(·, B) with the bias Add untouched; Gemm layers become MatMul(X, A) (Gemm
/// with transA when the original transposed X) → Gemm(·, B, C) with the original alpha, beta and
/// transB, B stored as the original stored W. A and B live where W lived (initializer or Constant
/// node), named "&lt;weight&gt;.lr_a" / "&lt;weight&gt;.lr_b"; W is removed when nothing else reads it.
/// Returns a new model; the input is not changed. Tensors the rewrite does not touch keep their
/// external-data references: save the result with OnnxModelFile.FromModel(result, model.Path).
/// </summary>
public static class LowRankRewrite
{
    public static ModelProto Apply(OnnxModelFile model, IReadOnlyList<LowRankFactors> factors, IReadOnlyList<DenseWeight>? denseWeights = null)
    {
        var rewriter = new LowRankRewriter(model);
        foreach (var factor in factors)
        {
            rewriter.Split(factor);
        }

        foreach (var dense in denseWeights ?? [])
        {
            rewriter.ReplaceDense(dense);
        }

        return rewriter.Finish();
    }

    internal static (TensorProto A, TensorProto B) Split(RewriteGraph graph, LinearSite site, LowRankFactors factors)
    {
        var (k, n, r) = (site.K, site.N, factors.Rank);
        if (r <= 0)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RewriteWeightsInvalid,
                $"Layer '{site.Layer.Name}': rank must be positive, got {r}.",
                new SourceLocation(graph.SourcePath));
        }

        Check(graph, site, "A", factors.A.LongLength, k * r, $"K×r = {k}×{r}");
        Check(graph, site, "B", factors.B.LongLength, r * n, $"r×N = {r}×{n}");

        var node = site.Node;
        var asConstantNode = graph.IsConstantNode(WeightTensors.Root(graph, site.WeightValue));
        var label = node.Name.Length > 0 ? node.Name : site.Weight.Name;
        var a = WeightTensors.Create(graph.FreshName(site.Weight.Name + ".lr_a"), factors.A, site.ElementType, [k, r]);
        var (bValues, bDims) = site.Store(factors.B, r, n);
        var b = WeightTensors.Create(graph.FreshName(site.Weight.Name + ".lr_b"), bValues, site.ElementType, bDims);
        graph.AddConstant(a, asConstantNode, node);
        graph.AddConstant(b, asConstantNode, node);

        var hidden = graph.FreshName(site.Weight.Name + ".lr_hidden");
        var first = new NodeProto { Name = graph.FreshName(label + ".lr_a"), OpType = site.TransA ? "Gemm" : "MatMul" };
        first.Input.Add(site.Input);
        first.Input.Add(a.Name);
        first.Output.Add(hidden);
        if (site.TransA)
        {
            first.Attribute.Add(OnnxAttributes.Int("transA", 1));
        }

        // The second GEMM is the original node with B in W's place: bias, alpha, beta and transB keep their meaning.
        var second = node.Clone();
        second.Name = graph.FreshName(label + ".lr_b");
        second.Input[0] = hidden;
        second.Input[1] = b.Name;
        for (var i = second.Attribute.Count - 1; i >= 0; i--)
        {
            if (second.Attribute[i].Name == "transA")
            {
                second.Attribute.RemoveAt(i);
            }
        }

        graph.Replace(node, [first, second]);
        graph.Retire(site.WeightValue);
        return (a, b);
    }

    internal static void Check(RewriteGraph graph, LinearSite site, string what, long actual, long expected, string shape)
    {
        if (actual != expected)
        {
            throw GacException.Create(
                DiagnosticCatalogue.RewriteWeightsInvalid,
                $"Layer '{site.Layer.Name}': {what} has {actual:N0} values; {shape} needs {expected:N0}.",
                new SourceLocation(graph.SourcePath));
        }
    }
}
