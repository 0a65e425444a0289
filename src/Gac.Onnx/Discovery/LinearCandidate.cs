using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>A GEMM with a constant weight found in the graph, while roles and groups are being worked out.</summary>
internal sealed class LinearCandidate(NodeProto node, string weightName, long inFeatures, long outFeatures)
{
    public NodeProto Node { get; } = node;

    public string WeightName { get; } = weightName;

    public long InFeatures { get; } = inFeatures;

    public long OutFeatures { get; } = outFeatures;

    public string Name { get; set; } = weightName;

    public bool HasBias { get; set; }

    /// <summary>The bias constant's name (a naming hint only; the Constant node's output for Constant-node storage).</summary>
    public string? BiasName { get; set; }

    /// <summary>The value carrying the layer's result (after its bias Add when there is one).</summary>
    public string Output { get; set; } = node.Output[0];

    /// <summary>The activation operand X of X·W.</summary>
    public string Input => Node.Input[0];

    public LinearRole Role { get; set; } = LinearRole.Unknown;

    public string? Group { get; set; }

    public LinearLayer ToLayer() => new(Name, WeightName, InFeatures, OutFeatures, HasBias, Role, Group);
}
