using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Recognises MLPs: a projection whose output reaches another projection through element-wise
/// operations only (activation, gating Mul, bias, casts, the reshapes around a 2-D Gemm), with
/// matching width. A second projection of the same input reaching the same down projection makes
/// it a gated MLP (gate/up/down, Llama's SwiGLU); the one feeding the activation is the gate.
/// A residual Add (two activations) ends the search, so blocks never pair across each other.
/// </summary>
internal static class MlpMatcher
{
    private static readonly HashSet<string> Activations = new(StringComparer.Ordinal)
    {
        "Relu", "Gelu", "Sigmoid", "Tanh", "Erf", "Softplus", "HardSigmoid", "HardSwish", "Elu", "Selu", "LeakyRelu", "Mish", "Swish", "Clip",
    };

    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal)
    {
        "Cast", "Identity", "Dropout", "Reshape", "Flatten",
    };

    public static IEnumerable<LinearGroup> Match(GraphIndex index, IReadOnlyList<LinearCandidate> candidates)
    {
        var byNode = candidates.ToDictionary(c => c.Node, c => c, (IEqualityComparer<NodeProto>)ReferenceEqualityComparer.Instance);
        var groups = new List<LinearGroup>();
        foreach (var first in candidates)
        {
            if (first.Group is not null || Reach(index, byNode, first) is not { } down || down.Group is not null)
            {
                continue;
            }

            var source = SourceOf(index, first.Input);
            var partner = candidates.FirstOrDefault(c => !ReferenceEquals(c, first) && !ReferenceEquals(c, down) && c.Group is null
                && c.OutFeatures == first.OutFeatures && SourceOf(index, c.Input) == source
                && ReferenceEquals(Reach(index, byNode, c), down));

            var members = new List<LinearCandidate>();
            if (partner is null)
            {
                first.Role = LinearRole.MlpUp;
                members.Add(first);
            }
            else
            {
                (LinearCandidate gate, LinearCandidate up) = FeedsActivation(index, partner.Output) && !FeedsActivation(index, first.Output) ? (partner, first)
                    : (first, partner);
                gate.Role = LinearRole.MlpGate;
                up.Role = LinearRole.MlpUp;
                members.Add(gate);
                members.Add(up);
            }

            down.Role = LinearRole.MlpDown;
            members.Add(down);
            var name = GroupNaming.Name(members.Select(m => m.Name), "mlp", groups.Count);
            foreach (var member in members)
            {
                member.Group = name;
            }

            groups.Add(new LinearGroup(name, GroupKind.Mlp, members.Select(m => m.Name).ToArray(), first.OutFeatures));
        }

        return groups;
    }

    /// <summary>The projection this layer's output flows into through element-wise operations, if its K equals our N.</summary>
    private static LinearCandidate? Reach(GraphIndex index, Dictionary<NodeProto, LinearCandidate> byNode, LinearCandidate from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from.Output };
        var frontier = new Queue<string>([from.Output]);
        while (frontier.Count > 0 && seen.Count < 64)
        {
            var value = frontier.Dequeue();
            foreach (var node in index.Consumers(value))
            {
                if (byNode.TryGetValue(node, out var layer))
                {
                    if (node.Input[0] == value && !ReferenceEquals(layer, from) && layer.InFeatures == from.OutFeatures)
                    {
                        return layer;
                    }

                    continue;
                }

                var elementwise = Activations.Contains(node.OpType) || PassThrough.Contains(node.OpType)
                    || node.OpType is "Mul" or "Div"
                    || (node.OpType is "Add" or "Sub" or "Pow" && node.Input.Count(i => !index.IsConstant(i)) == 1);
                if (elementwise && node.Output.Count > 0 && seen.Add(node.Output[0]))
                {
                    frontier.Enqueue(node.Output[0]);
                }
            }
        }

        return null;
    }

    private static bool FeedsActivation(GraphIndex index, string value)
        => index.Consumers(value).Any(n => Activations.Contains(n.OpType)
            || (PassThrough.Contains(n.OpType) && FeedsActivation(index, n.Output[0]))
            || (n.OpType is "Mul" or "Div" && index.Consumers(n.Output[0]).Any(m => Activations.Contains(m.OpType))));

    /// <summary>The value before any flattening reshape or cast (each 2-D Gemm flattens its own copy of x).</summary>
    private static string SourceOf(GraphIndex index, string value)
    {
        for (var depth = 0; depth < 8 && index.Producer(value) is { OpType: "Reshape" or "Flatten" or "Cast" or "Identity" } node; depth++)
        {
            value = node.Input[0];
        }

        return value;
    }
}
