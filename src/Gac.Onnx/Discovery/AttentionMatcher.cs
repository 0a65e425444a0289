using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Recognises scaled dot-product attention by its shape in the graph, whatever the exporter:
/// Softmax fed (through scaling/masking) by a MatMul of two activations, whose result is
/// multiplied by a third activation. The operands are traced back through head-splitting
/// (Reshape/Transpose/Slice/Squeeze/scale) to the q, k and v projections, and the result forward
/// to the output projection.
/// </summary>
internal static class AttentionMatcher
{
    private const int MaxTraceDepth = 16;

    public static IEnumerable<LinearGroup> Match(GraphIndex index, IReadOnlyList<LinearCandidate> candidates)
    {
        var byOutput = new Dictionary<string, LinearCandidate>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            byOutput[candidate.Node.Output[0]] = candidate;
            byOutput[candidate.Output] = candidate;
        }

        var byNode = candidates.ToDictionary(c => c.Node, c => c, (IEqualityComparer<NodeProto>)ReferenceEqualityComparer.Instance);
        var groups = new List<LinearGroup>();
        foreach (var softmax in index.Graph.Node.Where(n => n.OpType == "Softmax"))
        {
            if (ScoreMatMul(index, softmax.Input[0]) is not { } scores || ContextMatMul(index, softmax.Output[0]) is not { } context)
            {
                continue;
            }

            var reshapes = new List<NodeProto>();
            var q = TraceToLayer(index, byOutput, scores.Input[0], reshapes);
            var k = TraceToLayer(index, byOutput, scores.Input[1], null);
            var v = TraceToLayer(index, byOutput, context.Input[1], null);
            var o = TraceForwardToLayer(index, byNode, context.Output[0]);
            if (q is null || q.Group is not null)
            {
                continue;
            }

            var fused = ReferenceEquals(q, k) && ReferenceEquals(q, v);
            var width = fused ? q.OutFeatures / 3 : q.OutFeatures;
            var members = new List<LinearCandidate>();
            if (fused)
            {
                q.Role = LinearRole.QkvFused;
                members.Add(q);
            }
            else
            {
                Assign(q, LinearRole.Query, members);
                Assign(k, LinearRole.Key, members);
                Assign(v, LinearRole.Value, members);
            }

            Assign(o, LinearRole.AttentionOutput, members);
            var (heads, headDim) = HeadsFromReshapes(index, reshapes, width);
            var name = GroupNaming.Name(members.Select(m => m.Name), "attention", groups.Count);
            foreach (var member in members)
            {
                member.Group = name;
            }

            groups.Add(new LinearGroup(name, GroupKind.Attention, members.Select(m => m.Name).ToArray(), width, heads, headDim));
        }

        return groups;
    }

    private static void Assign(LinearCandidate? candidate, LinearRole role, List<LinearCandidate> members)
    {
        if (candidate is not null && candidate.Group is null && !members.Contains(candidate))
        {
            candidate.Role = role;
            members.Add(candidate);
        }
    }

    /// <summary>Q·Kᵀ: a MatMul of two activations, reached backwards through scaling, masking and casts.</summary>
    private static NodeProto? ScoreMatMul(GraphIndex index, string value)
    {
        for (var depth = 0; depth < 6; depth++)
        {
            var node = index.Producer(value);
            if (node is null)
            {
                return null;
            }

            if (node.OpType == "MatMul")
            {
                return node.Input.All(i => !index.IsConstant(i)) ? node : null;
            }

            if (node.OpType is not ("Mul" or "Div" or "Add" or "Sub" or "Cast" or "Identity" or "Where"))
            {
                return null;
            }

            // The scores are the first non-constant operand (Where: the "true" branch, input 1).
            value = node.OpType == "Where" ? node.Input[1] : node.Input.FirstOrDefault(i => !index.IsConstant(i)) ?? "";
        }

        return null;
    }

    /// <summary>P·V: the MatMul that takes the probabilities as its left operand.</summary>
    private static NodeProto? ContextMatMul(GraphIndex index, string value)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            var consumers = index.DataConsumers(value);
            if (consumers.FirstOrDefault(n => n.OpType == "MatMul" && n.Input[0] == value && !index.IsConstant(n.Input[1])) is { } matMul)
            {
                return matMul;
            }

            if (consumers is not [{ OpType: "Cast" or "Identity" or "Dropout" } next])
            {
                return null;
            }

            value = next.Output[0];
        }

        return null;
    }

    /// <summary>Walks back from an attention operand to the projection that produced it, noting the Reshapes passed.</summary>
    private static LinearCandidate? TraceToLayer(GraphIndex index, Dictionary<string, LinearCandidate> byOutput, string value, List<NodeProto>? reshapes)
    {
        for (var depth = 0; depth < MaxTraceDepth; depth++)
        {
            if (byOutput.TryGetValue(value, out var layer))
            {
                return layer;
            }

            var node = index.Producer(value);
            switch (node?.OpType)
            {
                case "Reshape":
                    reshapes?.Add(node);
                    value = node.Input[0];
                    break;
                case "Transpose" or "Slice" or "Squeeze" or "Unsqueeze" or "Gather" or "Split" or "Cast" or "Identity" or "Flatten" or "Neg" or "Expand":
                    value = node.Input[0];
                    break;
                case "Mul" or "Div" or "Add" when node.Input.Count(i => !index.IsConstant(i)) == 1:
                    value = node.Input.First(i => !index.IsConstant(i));
                    break;
                // Div of two activations: an RMSNorm on the heads (Qwen3's q_norm / k_norm, x / √(mean(x²) + ε)).
                case "Mul" or "Add" or "Sub" or "Concat" or "Div":
                    return TraceBranches(index, byOutput, node, reshapes);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Rotary embeddings combine two activations of the same projection, x·cos + rotate_half(x)·sin
    /// (rotate_half = Concat(−x₂, x₁)), with cos/sin sliced from position tables at run time. The
    /// operand traces to a projection when every branch that reaches one reaches the same one.
    /// </summary>
    private static LinearCandidate? TraceBranches(GraphIndex index, Dictionary<string, LinearCandidate> byOutput, NodeProto node, List<NodeProto>? reshapes)
    {
        LinearCandidate? found = null;
        foreach (var input in node.Input.Where(i => i.Length > 0 && !index.IsConstant(i)))
        {
            var branchReshapes = new List<NodeProto>();
            var layer = TraceToLayer(index, byOutput, input, branchReshapes);
            if (layer is null)
            {
                continue;
            }

            if (found is not null && !ReferenceEquals(found, layer))
            {
                return null;
            }

            if (found is null)
            {
                reshapes?.AddRange(branchReshapes);
            }

            found = layer;
        }

        return found;
    }

    private static LinearCandidate? TraceForwardToLayer(GraphIndex index, Dictionary<NodeProto, LinearCandidate> byNode, string value)
    {
        for (var depth = 0; depth < MaxTraceDepth; depth++)
        {
            var consumers = index.DataConsumers(value);
            if (consumers.FirstOrDefault(n => byNode.ContainsKey(n) && n.Input[0] == value) is { } linear)
            {
                return byNode[linear];
            }

            if (consumers is not [{ OpType: "Transpose" or "Reshape" or "Cast" or "Identity" or "Flatten" or "Squeeze" or "Unsqueeze" } next])
            {
                return null;
            }

            value = next.Output[0];
        }

        return null;
    }

    /// <summary>
    /// Heads and head_dim from the Reshape that splits the projection: its target ends in
    /// [..., heads, head_dim] ([b, s, h, d], or [b, s, 3, h, d] for fused qkv). A 0 or -1 entry is
    /// solved from heads · head_dim = width.
    /// </summary>
    private static (int? Heads, int? HeadDim) HeadsFromReshapes(GraphIndex index, List<NodeProto> reshapes, long width)
    {
        // The Reshape nearest the projection splits heads; later ones (if any) merge batch and heads.
        for (var i = reshapes.Count - 1; i >= 0; i--)
        {
            if (index.IntegerVector(reshapes[i].Input[1]) is not { Count: >= 4 } shape)
            {
                continue;
            }

            long? heads = shape[^2] is > 0 ? shape[^2] : null;
            long? headDim = shape[^1] is > 0 ? shape[^1] : null;
            if (heads is null && headDim is { } d && width % d == 0)
            {
                heads = width / d;
            }
            else if (headDim is null && heads is { } h && width % h == 0)
            {
                headDim = width / h;
            }

            if (heads is { } hh && headDim is { } dd && hh * dd == width)
            {
                return ((int)hh, (int)dd);
            }
        }

        return (null, null);
    }
}
