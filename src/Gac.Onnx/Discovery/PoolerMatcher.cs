using Gac.Onnx.Ir;

namespace Gac.Onnx.Discovery;

/// <summary>
/// Recognises a BERT-style pooler (Hugging Face BertPooler: dense(hidden_states[:, 0]) then tanh)
/// by structure: a layer outside every block whose input is one sequence position of a
/// [batch, seq, hidden] activation — Gather on axis 1 with a scalar index, or a one-wide Slice on
/// axis 1 then Squeeze/Reshape — and whose output feeds Tanh.
/// </summary>
internal static class PoolerMatcher
{
    public static bool IsPooler(GraphIndex index, LinearCandidate candidate)
        => candidate.Group is null
            && FeedsTanh(index, candidate.Output)
            && SelectsOnePosition(index, candidate.Input);

    private static bool FeedsTanh(GraphIndex index, string value)
        => index.DataConsumers(value) is [var next]
            && (next.OpType == "Tanh" || (next.OpType is "Cast" or "Identity" && FeedsTanh(index, next.Output[0])));

    private static bool SelectsOnePosition(GraphIndex index, string value)
    {
        for (var depth = 0; depth < 4 && index.Producer(value) is { } node; depth++)
        {
            switch (node.OpType)
            {
                case "Gather":
                    return GraphIndex.IntAttribute(node, "axis") == 1
                        && index.Constant(node.Input[1]) is { Dims.Count: 0 };
                case "Slice":
                    return OneWideOnAxisOne(index, node);
                case "Squeeze" or "Reshape" or "Flatten" or "Cast" or "Identity":
                    value = node.Input[0];
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>Slice(x, starts, ends, axes) with axes = [1] and ends − starts = 1 (opset ≥ 10 inputs, or opset 1 attributes).</summary>
    private static bool OneWideOnAxisOne(GraphIndex index, NodeProto slice)
    {
        var axes = slice.Input.Count > 3 ? index.IntegerVector(slice.Input[3]) : GraphIndex.IntsAttribute(slice, "axes")?.Select(a => (long?)a).ToArray();
        var starts = slice.Input.Count > 2 ? index.IntegerVector(slice.Input[1]) : GraphIndex.IntsAttribute(slice, "starts")?.Select(a => (long?)a).ToArray();
        var ends = slice.Input.Count > 2 ? index.IntegerVector(slice.Input[2]) : GraphIndex.IntsAttribute(slice, "ends")?.Select(a => (long?)a).ToArray();
        return axes is [1] && starts is [{ } s] && ends is [{ } e] && e - s == 1;
    }
}
