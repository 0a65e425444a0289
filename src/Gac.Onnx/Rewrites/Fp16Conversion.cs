using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Core.Numerics;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Converts a float32 model to 16-bit compute, float16 or bfloat16 (<see cref="Fp16ConversionOptions.HalfType"/>;
/// "float16" below stands for either): its float32 weights (initializers and Constant-node
/// tensors of the main graph) are stored as float16, and every MatMul that reads one computes in
/// float16 (<see cref="Fp16MatMuls"/>): a Cast of its activation to float16 in front, a Cast of
/// its product back to float32 behind. The rest of the graph keeps float32 arithmetic: norms
/// (LayerNormalization, RMSNorm), softmax and its sums, RoPE cos/sin, bias adds and residuals read
/// their float16-stored parameters through a Cast to float32. Why not a whole-graph float16
/// conversion: those parts lose range or accuracy in float16 (a variance sum, exp in softmax,
/// large position angles), and ONNX Runtime's CPU provider lacks float16 kernels for several
/// operators (Erf, Pow, …), so such a graph would not load here. The numeric effect on a MatMul
/// is float16 rounding of its weight and activation and float16 results (ONNX Runtime accumulates
/// in float32 on CUDA tensor cores; relative 2^-11 per element, IEEE 754 binary16; 2^-8 for bfloat16).
/// bfloat16: ONNX Runtime 1.31's CUDA provider registers MatMul, Gemm, Cast and Transpose (and
/// elementwise ops this conversion leaves float32) for tensor(bfloat16); its CPU provider has Cast
/// and Transpose but no bfloat16 MatMul or Gemm, so such a graph is checked here through
/// <see cref="Bf16Emulation"/>. A bfloat16 weight keeps float32's range; one that rounds to
/// infinity is refused (GAC3070).
/// A weight read by a MatMul or Gemm outside float16's finite range (|w| &gt; 65504) is refused
/// (GAC3050) rather than clamped; any other constant outside that range (an attention-mask fill
/// of -3.4e38, say) is not a weight and stays float32, exactly.
/// </summary>
public static class Fp16Conversion
{
    /// <summary>The largest finite float16.</summary>
    public const float Float16Max = 65504f;

    /// <param name="data">When given, each float16 tensor moves to it as soon as it is made, so a large model is converted one tensor at a time.</param>
    /// <param name="cancellationToken">Checked between tensors: the conversion is CPU-bound and runs synchronously on the caller's thread.</param>
    public static ModelProto Apply(OnnxModelFile model, Fp16ConversionOptions? options = null, ExternalData.ExternalDataBuilder? data = null,
        CancellationToken cancellationToken = default)
    {
        options ??= Fp16ConversionOptions.Default;
        // Weights an import stored in 16 bits behind a Cast convert as the float32 weights they stand for.
        var (unwrapped, stored) = StorageCasts.Unwrap(model.Model);
        stored.UnionWith(data?.HalfStored ?? new HashSet<string>());
        var graph = new RewriteGraph(OnnxModelFile.FromModel(unwrapped, model.Path), data);
        var casts = new List<NodeProto>();
        var halfWeights = new Dictionary<string, string>(StringComparer.Ordinal);
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var graphInputs = graph.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < graph.Graph.Initializer.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tensor = graph.Graph.Initializer[i];
            // An initializer that is also a graph input can be overridden by the caller in float32.
            if ((Convertible(tensor, options) || stored.Contains(tensor.Name)) && !graphInputs.Contains(tensor.Name)
                && OnnxTensors.ElementCount(tensor.Dims) >= options.MinimumElements && HalfOf(graph, tensor, tensor.Name, stored, options) is { } halfTensor)
            {
                var name = tensor.Name;
                var halfName = graph.FreshName(name + options.Suffix);
                if (ReferenceEquals(halfTensor, tensor) && data is not null)
                {
                    // Already the half type's bytes, placed or in the source's data file: only the name changes.
                    data.Rename(halfTensor, halfName);
                }
                else
                {
                    halfTensor.Name = halfName;
                }

                graph.Graph.Initializer[i] = halfTensor;
                data?.Place(graph.Graph.Initializer[i]);
                casts.Add(Cast(graph, halfName, name, OnnxDataType.Float));
                halfWeights[name] = halfName;
                inserted.Add(name);
            }
            else if (stored.Contains(tensor.Name))
            {
                // A stored weight that stays float32 (too small, or a non-weight beyond the half type's range) is widened, exactly.
                graph.Graph.Initializer[i] = OnnxTensorFactory.Floats(tensor.Name, graph.ReadFloats(tensor), [.. tensor.Dims]);
                data?.Place(graph.Graph.Initializer[i]);
            }

            if (data is not null)
            {
                // Streamed: the tensor is in the data file now, and its float32 and half arrays are garbage (an LM head: 3 GB).
                Core.Memory.LargeObjects.ReleaseAfter(4 * OnnxTensors.ElementCount(tensor.Dims));
            }
        }

        foreach (var node in graph.Graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } tensor } attribute
                && (Convertible(tensor, options) || (stored.Contains(tensor.Name) && tensor.DataType == (int)options.HalfType))
                && HalfOf(graph, tensor, node.Output[0], stored, options) is { } halfTensor)
            {
                var original = node.Output[0];
                attribute.T = halfTensor;
                node.Output[0] = graph.FreshName(original + options.Suffix);
                graph.Graph.Node.Insert(graph.Graph.Node.IndexOf(node) + 1, Cast(graph, node.Output[0], original, OnnxDataType.Float));
                halfWeights[original] = node.Output[0];
                inserted.Add(original);
            }
        }

        for (var i = casts.Count - 1; i >= 0; i--)
        {
            graph.Graph.Node.Insert(0, casts[i]);
        }

        var halfActivations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Float16InputsOutputs)
        {
            Float16Boundary(graph, halfActivations, options);
        }

        graph.Refresh();
        Fp16MatMuls.Apply(graph, halfWeights, halfActivations, inserted, options);
        return graph.Model;
    }

    /// <summary>The tensor itself when it is stored in the half type already (its values are what float32 → half gives), else <see cref="Halve"/>.</summary>
    private static TensorProto? HalfOf(RewriteGraph graph, TensorProto tensor, string value, HashSet<string> stored, Fp16ConversionOptions options)
        => stored.Contains(tensor.Name) && tensor.DataType == (int)options.HalfType ? tensor : Halve(graph, tensor, value, options);

    /// <summary>
    /// The float16 copy of a float32 tensor, or null when it holds values beyond float16's range
    /// and is not a weight (kept float32). GAC3050 for a weight beyond that range (GAC3070 for bfloat16).
    /// </summary>
    private static TensorProto? Halve(RewriteGraph graph, TensorProto tensor, string value, Fp16ConversionOptions options)
    {
        if (Rebits(graph, tensor, options) is { } direct)
        {
            return direct;
        }

        var values = graph.ReadFloats(tensor);
        var outside = -1;
        for (var i = 0; i < values.Length && outside < 0; i++)
        {
            if (OutOfRange(values[i], options.HalfType))
            {
                outside = i;
            }
        }

        if (outside < 0)
        {
            return WeightTensors.Create(tensor.Name, values, options.HalfType, [.. tensor.Dims]);
        }

        if (ReadByGemm(graph, value, 0))
        {
            throw options.HalfType == OnnxDataType.BFloat16
                ? GacException.Create(
                    DiagnosticCatalogue.BFloat16WeightOutOfRange,
                    $"Weight '{value}' holds {values[outside]:G9} at element {outside}; it rounds to infinity in bfloat16 (largest finite " +
                        $"{BFloat16Bits.MaxValue:G9}), so export.dtype bf16 cannot store it.")
                : GacException.Create(
                    DiagnosticCatalogue.Float16WeightOutOfRange,
                    $"Weight '{value}' holds {values[outside]:G9} at element {outside}; float16 represents magnitudes up to {Float16Max} only, so " +
                        $"export.dtype fp16 cannot store it.");
        }

        return null;
    }

    /// <summary>
    /// A weight the import stored in the other 16-bit type (a BF16 checkpoint exported fp16) converted bits to bits, each value through
    /// float32 exactly as <see cref="Halve"/> converts it, without a float32 array: an LM head would otherwise be held as 16-bit bytes,
    /// float32 values and the new half bits at once (measured 7.2 GiB resident for Llama-3-8B's 1 GB head). Null when the tensor is not
    /// 16-bit or a value is out of the target's range (<see cref="Halve"/> then decides, with its diagnostics).
    /// </summary>
    private static TensorProto? Rebits(RewriteGraph graph, TensorProto tensor, Fp16ConversionOptions options)
    {
        if (tensor.DataType is not ((int)OnnxDataType.BFloat16 or (int)OnnxDataType.Float16) || tensor.DataType == (int)options.HalfType)
        {
            return null;
        }

        var source = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(graph.ReadBytes(tensor).Span);
        var fromBFloat16 = tensor.DataType == (int)OnnxDataType.BFloat16;
        var raw = GC.AllocateUninitializedArray<byte>(2 * source.Length);
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(raw.AsSpan());
        for (var i = 0; i < source.Length; i++)
        {
            var value = fromBFloat16 ? BFloat16Bits.ToSingle(source[i]) : (float)BitConverter.UInt16BitsToHalf(source[i]);
            if (OutOfRange(value, options.HalfType))
            {
                return null;
            }

            bits[i] = options.HalfType == OnnxDataType.BFloat16 ? BFloat16Bits.FromSingle(value) : BitConverter.HalfToUInt16Bits((Half)value);
        }

        var halved = new TensorProto { Name = tensor.Name, DataType = (int)options.HalfType, RawData = UnsafeByteOperations.UnsafeWrap(raw) };
        halved.Dims.AddRange(tensor.Dims);
        return halved;
    }

    /// <summary>Whether a MatMul or Gemm reads the value, directly or through shape-preserving links (Transpose, Reshape, Identity, Cast).</summary>
    private static bool ReadByGemm(RewriteGraph graph, string value, int depth)
        => depth < 4 && graph.Index.Consumers(value).Any(n => n.OpType is "MatMul" or "Gemm" or "Conv" or "ConvTranspose"
            || (n.OpType is "Transpose" or "Reshape" or "Identity" or "Cast" or "Squeeze" or "Unsqueeze" && n.Output.Any(o => ReadByGemm(graph, o, depth
                + 1))));

    /// <summary>A finite value the half type cannot hold: beyond ±65504, or rounding to infinity in bfloat16. NaN and ±∞ convert as they are.</summary>
    internal static bool OutOfRange(float value, OnnxDataType type)
        => type == OnnxDataType.BFloat16 ? float.IsFinite(value) && float.IsInfinity(BFloat16Bits.ToSingle(BFloat16Bits.FromSingle(value)))
            : Math.Abs(value) > Float16Max;

    private static bool Convertible(TensorProto tensor, Fp16ConversionOptions options)
        => tensor.DataType == (int)OnnxDataType.Float && OnnxTensors.ElementCount(tensor.Dims) >= options.MinimumElements;

    /// <summary>float16 graph inputs cast to float32 on entry; float32 results cast to float16 on exit.</summary>
    private static void Float16Boundary(RewriteGraph graph, Dictionary<string, string> halfActivations, Fp16ConversionOptions options)
    {
        var entry = new List<NodeProto>();
        foreach (var input in graph.Graph.Input.Where(IsFloat32))
        {
            var inside = graph.FreshName(input.Name + ".fp32");
            foreach (var node in graph.Graph.Node)
            {
                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == input.Name)
                    {
                        node.Input[i] = inside;
                    }
                }
            }

            input.Type.TensorType.ElemType = (int)options.HalfType;
            halfActivations[inside] = input.Name;
            entry.Add(Cast(graph, input.Name, inside, OnnxDataType.Float));
        }

        for (var i = entry.Count - 1; i >= 0; i--)
        {
            graph.Graph.Node.Insert(0, entry[i]);
        }

        graph.Refresh();
        foreach (var output in graph.Graph.Output.Where(IsFloat32))
        {
            if (graph.Index.Producer(output.Name) is not { } producer)
            {
                continue;
            }

            var inside = graph.FreshName(output.Name + ".fp32");
            producer.Output[producer.Output.IndexOf(output.Name)] = inside;
            foreach (var node in graph.Graph.Node)
            {
                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == output.Name)
                    {
                        node.Input[i] = inside;
                    }
                }
            }

            output.Type.TensorType.ElemType = (int)options.HalfType;
            graph.Graph.Node.Add(Cast(graph, inside, output.Name, options.HalfType));
        }
    }

    private static bool IsFloat32(ValueInfoProto value) => value.Type?.TensorType is { ElemType: (int)OnnxDataType.Float };

    internal static NodeProto Cast(RewriteGraph graph, string from, string to, OnnxDataType type)
    {
        var node = new NodeProto { Name = graph.FreshName(to + "/Cast"), OpType = "Cast" };
        node.Input.Add(from);
        node.Output.Add(to);
        node.Attribute.Add(OnnxAttributes.Int("to", (long)type));
        return node;
    }
}
