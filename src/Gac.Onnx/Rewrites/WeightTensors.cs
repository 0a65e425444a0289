using System.Runtime.InteropServices;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.Rewrites;

/// <summary>Creates float32/float16/bfloat16 weight tensors and swaps a node's constant operand for new values.</summary>
internal static class WeightTensors
{
    public static TensorProto Create(string name, float[] values, OnnxDataType type, long[] dims) => type switch
    {
        OnnxDataType.Float => OnnxTensorFactory.Floats(name, values, dims),
        OnnxDataType.Float16 => Float16(name, values, dims),
        OnnxDataType.BFloat16 => BFloat16(name, values, dims),
        _ => throw new ArgumentException($"Tensor '{name}': only float32, float16 and bfloat16 weights can be written, not {type}.", nameof(type)),
    };

    /// <summary>
    /// Round to nearest even. A value beyond ±65504 (the largest finite float16) is refused
    /// (GAC3050): clamping it would change the model without a word, and infinity would poison it.
    /// </summary>
    public static TensorProto Float16(string name, ReadOnlySpan<float> values, long[] dims)
    {
        var raw = GC.AllocateUninitializedArray<byte>(2 * values.Length);
        var halves = MemoryMarshal.Cast<byte, ushort>(raw.AsSpan());
        for (var i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) > Fp16Conversion.Float16Max)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.Float16WeightOutOfRange,
                    $"Weight '{name}' holds {values[i]:G9} at element {i}; float16 represents magnitudes up to {Fp16Conversion.Float16Max} only.");
            }

            halves[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
        }

        return Raw(name, raw, OnnxDataType.Float16, dims);
    }

    /// <summary>
    /// Round to nearest even (<see cref="BFloat16Bits"/>). bfloat16 keeps float32's exponent, so only a finite
    /// value that rounds past 0x7F7F (|x| ≥ 3.3895e38·(1 + 2⁻⁹)) has no home; it is refused (GAC3070) rather than turned into infinity.
    /// </summary>
    public static TensorProto BFloat16(string name, ReadOnlySpan<float> values, long[] dims)
    {
        var raw = GC.AllocateUninitializedArray<byte>(2 * values.Length);
        var halves = MemoryMarshal.Cast<byte, ushort>(raw.AsSpan());
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = BFloat16Bits.FromSingle(values[i]);
            if (float.IsFinite(values[i]) && (halves[i] & 0x7FFF) == 0x7F80)
            {
                throw GacException.Create(
                    DiagnosticCatalogue.BFloat16WeightOutOfRange,
                    $"Weight '{name}' holds {values[i]:G9} at element {i}; it rounds to infinity in bfloat16 (largest finite {BFloat16Bits.MaxValue:G9}).");
            }
        }

        return Raw(name, raw, OnnxDataType.BFloat16, dims);
    }

    /// <summary>Wraps the bytes without a copy (nothing writes them afterwards): a vocabulary-sized table would otherwise be held twice.</summary>
    private static TensorProto Raw(string name, byte[] raw, OnnxDataType type, long[] dims)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)type,
            RawData = UnsafeByteOperations.UnsafeWrap(raw)
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>
    /// Gives input <paramref name="inputIndex"/> of <paramref name="node"/> new constant values. A
    /// constant only this node reads is changed in place (its name, type, storage and any
    /// Cast in front of it stay); a shared one is left alone and the node reads a fresh constant
    /// named "&lt;tensor&gt;&lt;suffix&gt;" instead.
    /// </summary>
    public static void Replace(RewriteGraph graph, NodeProto node, int inputIndex, float[] values, long[] dims, OnnxDataType seenType, string suffix)
    {
        var value = node.Input[inputIndex];
        var stored = graph.Index.Constant(value) ?? throw new InvalidOperationException($"'{value}' is not a constant.");
        if (graph.IsExclusive(value))
        {
            graph.SetConstant(value, Create(stored.Name, values, (OnnxDataType)stored.DataType, dims));
            graph.Refresh();
            return;
        }

        var name = graph.FreshName(stored.Name + suffix);
        node.Input[inputIndex] = graph.AddConstant(Create(name, values, seenType, dims), graph.IsConstantNode(Root(graph, value)), node);
        graph.Retire(value);
        graph.Refresh();
    }

    /// <summary>The constant value behind Identity/Cast links.</summary>
    public static string Root(RewriteGraph graph, string value)
    {
        for (var hops = 0; hops < 8 && graph.Index.Producer(value) is { OpType: "Identity" or "Cast" } link; hops++)
        {
            value = link.Input[0];
        }

        return value;
    }

    /// <summary>The element type the node reads: the last Cast's target when the weight goes through one.</summary>
    public static OnnxDataType SeenType(RewriteGraph graph, string value)
    {
        var weight = graph.Index.Constant(value) ?? throw new InvalidOperationException($"'{value}' is not a constant.");
        for (var hops = 0; hops < 8; hops++)
        {
            switch (graph.Index.Producer(value))
            {
                case { OpType: "Cast" } cast:
                    return (OnnxDataType)(cast.Attribute.FirstOrDefault(a => a.Name == "to")?.I ?? weight.DataType);
                case { OpType: "Identity" } identity:
                    value = identity.Input[0];
                    break;
                default:
                    return (OnnxDataType)weight.DataType;
            }
        }

        return (OnnxDataType)weight.DataType;
    }
}
