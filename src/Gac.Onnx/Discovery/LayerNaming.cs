using System.Text.RegularExpressions;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// A readable layer name: the module path an exporter left somewhere on the layer. PyTorch names
/// weights "&lt;module&gt;.weight" (Paddle "&lt;layer&gt;.w_0"), but its exports often pre-transpose a
/// MatMul weight into an anonymous tensor ("927", "onnx::MatMul_798"); the module then survives in
/// the node name (TorchScript exports since PyTorch 1.13 and Optimum: "/encoder/layer.0/attention/
/// output/dense/MatMul") or in the bias ("encoder.layer.0.attention.output.dense.bias").
/// </summary>
internal static partial class LayerNaming
{
    private static readonly string[] WeightSuffixes = [".weight", ".w_0", "_weight"];
    private static readonly string[] BiasSuffixes = [".bias", ".b_0", "_bias"];

    public static string Name(NodeProto node, string weightName, string? biasName)
    {
        return Module(weightName, WeightSuffixes)
            ?? ModuleFromNodePath(node.Name)
            ?? (biasName is null ? null : Module(biasName, BiasSuffixes))
            ?? (weightName.Length > 0 && !IsGenerated(weightName) ? weightName : null)
            ?? (node.Name.Length > 0 && !IsGenerated(node.Name) ? node.Name : null)
            ?? (weightName.Length > 0 ? weightName : node.Name);
    }

    private static string? Module(string tensorName, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (tensorName.EndsWith(suffix, StringComparison.Ordinal) && tensorName.Length > suffix.Length && !IsGenerated(tensorName))
            {
                return tensorName[..^suffix.Length];
            }
        }

        return null;
    }

    /// <summary>"/encoder/layer.0/attention/output/dense/MatMul" → "encoder.layer.0.attention.output.dense" (the last segment names the op).</summary>
    private static string? ModuleFromNodePath(string nodeName)
    {
        if (!nodeName.StartsWith('/'))
        {
            return null;
        }

        var segments = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 ? string.Join('.', segments[..^1]) : null;
    }

    /// <summary>Names exporters invent for anonymous tensors: "927", "onnx::MatMul_798", "MatMul_98".</summary>
    private static bool IsGenerated(string name) => GeneratedName().IsMatch(name);

    [GeneratedRegex(@"^(\d+|onnx::.*|[A-Za-z]+_\d+)$")]
    private static partial Regex GeneratedName();
}
