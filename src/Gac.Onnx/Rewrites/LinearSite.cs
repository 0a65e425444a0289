using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Rewrites;

/// <summary>Where a linear layer's bias lives: input 2 of its Gemm, or the constant operand of the Add after its MatMul.</summary>
internal sealed record BiasSite(NodeProto Node, int InputIndex)
{
    public string Value => Node.Input[InputIndex];
}

/// <summary>
/// A discovered linear layer located in a rewrite's working graph: its MatMul/Gemm node, weight
/// value and storage, and bias. The weight is always handled as logical [K, N] row-major; Gemm
/// with transB = 1 stores it as [N, K] (ONNX Gemm spec) and <see cref="Store"/> puts it back so.
/// </summary>
internal sealed record LinearSite(LinearLayer Layer, NodeProto Node, TensorProto Weight, OnnxDataType ElementType, BiasSite? Bias)
{
    public bool IsGemm => Node.OpType == "Gemm";

    public bool TransB => IsGemm && Attribute("transB") == 1;

    public bool TransA => IsGemm && Attribute("transA") == 1;

    public string Input => Node.Input[0];

    public string WeightValue => Node.Input[1];

    public long K => Layer.InFeatures;

    public long N => Layer.OutFeatures;

    /// <summary>The layer's result value: after the bias Add when the bias is a separate node.</summary>
    public string Output => Bias is { Node.OpType: "Add" } b ? b.Node.Output[0] : Node.Output[0];

    public long? Attribute(string name) => Node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : null;

    /// <summary>The stored weight as logical [K, N].</summary>
    public float[] ReadKn(RewriteGraph graph)
    {
        var stored = graph.ReadFloats(Weight);
        return TransB ? Matrix.Transpose(stored, N, K) : stored;
    }

    /// <summary>Logical [k, n] values in this layer's storage layout, with their dims.</summary>
    public (float[] Values, long[] Dims) Store(float[] kn, long k, long n)
        => TransB ? (Matrix.Transpose(kn, k, n), [n, k]) : (kn, [k, n]);
}
