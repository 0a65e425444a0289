using System.Runtime.InteropServices;
using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Ir;
using Google.Protobuf;

namespace Gac.Onnx.Rewrites;

/// <summary>
/// Changes the integers of a shape-like operand (a Reshape target, Split sizes, Slice bounds) by
/// copy-on-write: the constants it is built from — a constant vector, Cast/Identity of one, or a
/// Concat of such parts and run-time pieces, as PyTorch and Paddle2ONNX emit — are copied with new
/// values and only this consumer is rewired, so other readers of a shared constant are unaffected.
/// </summary>
internal static class ShapeOperand
{
    /// <summary>The operand's entries (null where only the run time knows them), or null when it cannot be traced.</summary>
    public static long?[]? Read(RewriteGraph graph, string value) => Resolve(graph, value, 0)?.Entries().ToArray();

    /// <summary>
    /// Applies <paramref name="transform"/> to the entries of input <paramref name="inputIndex"/>
    /// of <paramref name="consumer"/>; it must return as many entries and keep the null ones.
    /// </summary>
    public static void Rewrite(RewriteGraph graph, NodeProto consumer, int inputIndex, Func<long?[], long?[]> transform)
    {
        var value = consumer.Input[inputIndex];
        var term = Resolve(graph, value, 0)
            ?? throw graph.Unsupported($"{consumer.OpType} '{consumer.Name}' reads its shape from '{value}', which the rewrite cannot trace to constants.");
        var entries = term.Entries().ToArray();
        var updated = transform(entries);
        if (entries.SequenceEqual(updated))
        {
            return;
        }

        var offset = 0;
        consumer.Input[inputIndex] = Emit(graph, term, updated, ref offset, consumer);
        graph.Retire(value);
    }

    /// <summary>An int64 list held in a node attribute (Split's split, opset-9 Slice's starts/ends); changed in place.</summary>
    public static void RewriteAttribute(NodeProto node, string name, Func<long?[], long?[]> transform)
    {
        if (node.Attribute.FirstOrDefault(a => a.Name == name) is not { } attribute || attribute.Ints.Count == 0)
        {
            return;
        }

        var updated = transform(attribute.Ints.Select(v => (long?)v).ToArray());
        attribute.Ints.Clear();
        attribute.Ints.AddRange(updated.Select(v => v!.Value));
    }

    private static Term? Resolve(RewriteGraph graph, string value, int depth)
    {
        var index = graph.Index;
        if (depth > 8)
        {
            return null;
        }

        if (index.Constant(value) is { } tensor)
        {
            return index.IntegerVector(value) is { } known ? new Leaf(value, tensor, known.Select(v => v!.Value).ToArray()) : null;
        }

        var producer = index.Producer(value);
        if (producer is { OpType: "Concat" })
        {
            var parts = new List<Term>();
            foreach (var input in producer.Input)
            {
                if ((Resolve(graph, input, depth + 1) ?? RunTimePart(graph, input)) is not { } part)
                {
                    return null;
                }

                parts.Add(part);
            }

            return new Joined(value, producer, parts);
        }

        return null;
    }

    /// <summary>A piece computed from a tensor's shape at run time (batch, sequence); its length is all the rewrite needs.</summary>
    private static Term? RunTimePart(RewriteGraph graph, string value)
    {
        var node = graph.Index.Producer(value);
        while (node is { OpType: "Cast" or "Identity" })
        {
            node = graph.Index.Producer(node.Input[0]);
        }

        long? length = node?.OpType switch
        {
            "Unsqueeze" => 1,
            "Slice" when node.Attribute.FirstOrDefault(a => a.Name == "starts")?.Ints is [var s] && node.Attribute.FirstOrDefault(a =>
                a.Name == "ends")?.Ints is [var e] => e - s,
            "Slice" when node.Input.Count >= 3 && graph.Index.IntegerVector(node.Input[1]) is [long s]
                && graph.Index.IntegerVector(node.Input[2]) is [long e] => e - s,
            _ => null,
        };
        return length is > 0 and < 16 ? new RunTime(value, (int)length) : null;
    }

    private static string Emit(RewriteGraph graph, Term term, long?[] updated, ref int offset, NodeProto before)
    {
        var slice = updated.AsSpan(offset, term.Length).ToArray();
        var unchanged = term.Entries().SequenceEqual(slice);
        offset += term.Length;
        if (unchanged)
        {
            return term.Value;
        }

        switch (term)
        {
            case Leaf leaf:
                return EmitLeaf(graph, leaf, slice.Select(v => v!.Value).ToArray(), before);
            case Joined joined:
                var concat = joined.Node.Clone();
                concat.Name = graph.FreshName(joined.Node.Name + ".pruned");
                var inner = offset - term.Length;
                for (var i = 0; i < joined.Parts.Count; i++)
                {
                    concat.Input[i] = Emit(graph, joined.Parts[i], updated, ref inner, before);
                }

                concat.Output[0] = graph.FreshName(joined.Value + ".pruned");
                graph.InsertBefore(before, [concat]);
                return concat.Output[0];
            default:
                throw new InvalidOperationException($"Run-time shape piece '{term.Value}' cannot change.");
        }
    }

    /// <summary>A copy of the constant with new values, stored as the original was, with its Cast/Identity chain copied too.</summary>
    private static string EmitLeaf(RewriteGraph graph, Leaf leaf, long[] values, NodeProto before)
    {
        var chain = new List<NodeProto>();
        var root = leaf.Value;
        while (graph.Index.Producer(root) is { OpType: "Cast" or "Identity" } link)
        {
            chain.Insert(0, link);
            root = link.Input[0];
        }

        var name = graph.FreshName(leaf.Tensor.Name + ".pruned");
        var tensor = (OnnxDataType)leaf.Tensor.DataType == OnnxDataType.Int32
            ? Int32s(name, values.Select(v => checked((int)v)).ToArray(), leaf.Tensor.Dims)
            : OnnxTensorFactory.Int64s(name, values, [.. leaf.Tensor.Dims]);
        var current = graph.AddConstant(tensor, graph.IsConstantNode(root), before);
        foreach (var link in chain)
        {
            var copy = link.Clone();
            copy.Name = graph.FreshName(link.Name + ".pruned");
            copy.Input[0] = current;
            copy.Output[0] = graph.FreshName(link.Output[0] + ".pruned");
            graph.InsertBefore(before, [copy]);
            current = copy.Output[0];
        }

        return current;
    }

    private static TensorProto Int32s(string name, int[] values, IEnumerable<long> dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxDataType.Int32, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private abstract record Term(string Value)
    {
        public abstract int Length { get; }

        public abstract IEnumerable<long?> Entries();
    }

    private sealed record Leaf(string Value, TensorProto Tensor, long[] Values) : Term(Value)
    {
        public override int Length => Values.Length;

        public override IEnumerable<long?> Entries() => Values.Select(v => (long?)v);
    }

    private sealed record Joined(string Value, NodeProto Node, IReadOnlyList<Term> Parts) : Term(Value)
    {
        public override int Length => Parts.Sum(p => p.Length);

        public override IEnumerable<long?> Entries() => Parts.SelectMany(p => p.Entries());
    }

    private sealed record RunTime(string Value, int LengthValue) : Term(Value)
    {
        public override int Length => LengthValue;

        public override IEnumerable<long?> Entries() => Enumerable.Repeat<long?>(null, LengthValue);
    }
}
