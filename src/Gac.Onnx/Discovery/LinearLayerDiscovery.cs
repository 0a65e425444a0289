using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Finds the linear layers of an ONNX graph — every MatMul or Gemm whose weight is a constant 2-D
/// tensor (initializer or Constant node, possibly behind Identity/Cast) — and the coupled groups
/// they form: attention blocks (q/k/v/o or fused qkv, with heads and head_dim when the Reshape
/// into heads says so) and MLPs (gate/up/down or fc1/fc2). Structure decides; names are only a
/// fallback hint for roles. Works from the graph alone and never reads external weight bytes.
/// </summary>
public static class LinearLayerDiscovery
{
    public static ModelInventory Discover(OnnxModelFile model) => Discover(model.Model, model.Path);

    public static ModelInventory Discover(ModelProto model, string source = "")
    {
        var index = new GraphIndex(model.Graph ?? new GraphProto());
        var candidates = FindLinearLayers(index);
        var groups = new List<LinearGroup>();
        groups.AddRange(AttentionMatcher.Match(index, candidates));
        groups.AddRange(MlpMatcher.Match(index, candidates));
        foreach (var candidate in candidates.Where(c => c.Role == LinearRole.Unknown))
        {
            candidate.Role = PoolerMatcher.IsPooler(index, candidate) ? LinearRole.Pooler : NameHints.RoleFromName(candidate.Name);
        }

        return new ModelInventory(source, candidates.Select(c => c.ToLayer()).ToArray(), groups);
    }

    private static List<LinearCandidate> FindLinearLayers(GraphIndex index)
    {
        var found = new List<LinearCandidate>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in index.Graph.Node)
        {
            if (node.OpType is not ("MatMul" or "Gemm") || node.Input.Count < 2 || node.Output.Count == 0
                || index.IsConstant(node.Input[0]) || index.Constant(node.Input[1]) is not { Dims.Count: 2 } weight)
            {
                continue;
            }

            long inFeatures = weight.Dims[0], outFeatures = weight.Dims[1];
            if (inFeatures <= 0 || outFeatures <= 0)
            {
                // An empty weight maps nothing to nothing: there is no rank to choose and no GEMM to align.
                throw GacException.Create(
                    DiagnosticCatalogue.LinearLayerEmpty,
                    $"{node.OpType} node '{node.Name}' has weight '{weight.Name}' of shape [{string.Join(", ", weight.Dims)}]: a linear layer with a " +
                        $"zero-size dimension is not a model gac-build can compress.");
            }

            // Gemm computes A·B with B transposed when transB = 1, so W is stored [N, K] (ONNX Gemm spec).
            if (node.OpType == "Gemm" && GraphIndex.IntAttribute(node, "transB") == 1)
            {
                (inFeatures, outFeatures) = (outFeatures, inFeatures);
            }

            var candidate = new LinearCandidate(node, weight.Name, inFeatures, outFeatures);
            FindBias(index, candidate);
            candidate.Name = UniqueName(LayerNaming.Name(node, weight.Name, candidate.BiasName), names);
            found.Add(candidate);
        }

        return found;
    }

    private static void FindBias(GraphIndex index, LinearCandidate candidate)
    {
        var node = candidate.Node;
        if (node.OpType == "Gemm")
        {
            candidate.HasBias = node.Input.Count > 2 && node.Input[2].Length > 0 && index.IsConstant(node.Input[2]);
            candidate.BiasName = candidate.HasBias ? NameOf(index.Constant(node.Input[2])!, node.Input[2]) : null;
            return;
        }

        // MatMul then Add of a constant [N] (or [1, …, 1, N]) vector: PyTorch's and Paddle's nn.Linear.
        // A float16-compute export casts the MatMul's product back to float32 before the Add.
        var product = node.Output[0];
        if (index.DataConsumers(product) is [{ OpType: "Cast" } back])
        {
            product = back.Output[0];
        }

        if (index.DataConsumers(product) is [{ OpType: "Add", Input.Count: 2 } add])
        {
            var other = add.Input[0] == product ? add.Input[1] : add.Input[0];
            if (index.Constant(other) is { } bias && bias.Dims.Count > 0
                && bias.Dims[^1] == candidate.OutFeatures && bias.Dims.Take(bias.Dims.Count - 1).All(d => d == 1))
            {
                candidate.HasBias = true;
                candidate.BiasName = NameOf(bias, other);
                candidate.Output = add.Output[0];
            }
        }
    }

    private static string NameOf(TensorProto tensor, string value) => tensor.Name.Length > 0 ? tensor.Name : value;

    private static string UniqueName(string name, Dictionary<string, int> seen)
    {
        var count = seen.GetValueOrDefault(name);
        seen[name] = count + 1;
        return count == 0 ? name : $"{name}#{count + 1}";
    }
}
