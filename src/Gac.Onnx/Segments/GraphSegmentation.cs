using System.Text.RegularExpressions;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Ir;

namespace Gac.Onnx.Segments;

/// <summary>
/// Cuts a graph into consecutive segments at its transformer-block boundaries, so a model that does not
/// fit in memory can be run one block at a time: each segment is a small model holding only the weights
/// its nodes read (external data stays in the original files), and whatever crosses a boundary — the
/// residual stream and side tensors such as masks or rotary cos/sin — becomes an output of the segment
/// that makes it and an input of every segment that reads it. Any cut of a topologically sorted node
/// list is exact; block boundaries only keep the crossing tensors few. Blocks are found from node names
/// ("model.layers.3.mlp/…", "/model/layers.3/…", "blocks.3.attn/…", "transformer.h.3/…"): our exporters
/// and the usual exporters name nodes after the module. A graph with control flow (If, Loop, Scan reach
/// outer tensors implicitly) or fewer than two named blocks is refused with GAC4090.
/// </summary>
public sealed partial class GraphSegmentation
{
    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, int> _availableIn;

    private GraphSegmentation(ModelProto model, Dictionary<string, TensorProto> initializers, List<GraphSegment> segments, Dictionary<string, int> availableIn)
    {
        _model = model;
        _initializers = initializers;
        Segments = segments;
        _availableIn = availableIn;
    }

    public IReadOnlyList<GraphSegment> Segments { get; }

    /// <summary>The segment whose run makes <paramref name="tensor"/> available: the one producing it, or for a graph input the first reading it.</summary>
    public int SegmentOf(string tensor) => _availableIn.TryGetValue(tensor, out var segment)
        ? segment
        : throw new KeyNotFoundException($"'{tensor}' is not an activation of the graph.");

    /// <summary>Bytes of every initializer of the graph: what one session of the whole model holds at the least.</summary>
    public static long WeightBytes(OnnxModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Model.Graph.Initializer.Sum(t => OnnxModelFile.ExpectedByteLength(t) ?? 0);
    }

    /// <summary>Why <paramref name="model"/> cannot be cut at block boundaries, or null when it can.</summary>
    public static string? Obstacle(OnnxModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var nodes = model.Model.Graph.Node;
        if (nodes.FirstOrDefault(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)) is { } control)
        {
            return $"node '{control.Name}' ({control.OpType}) holds a subgraph, which reads outer tensors implicitly";
        }

        var weights = model.Model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var blocks = nodes.Select(n => BlockOf(n, weights)).Where(b => b >= 0).Distinct().Count();
        return blocks < 2
            ? $"{blocks} transformer block(s) found in node names or the names of the weights they read (\"layers.N\", \"layer.N\", \"blocks.N\", " +
                "\"h.N\"); block-wise runs need at least two"
            : null;
    }

    /// <summary>Cuts at block boundaries; <paramref name="observe"/> names activations callers want back (calibration taps).</summary>
    public static GraphSegmentation ByBlocks(OnnxModelFile model, IReadOnlyCollection<string> observe)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observe);
        if (Obstacle(model) is { } obstacle)
        {
            throw GacException.Create(
                DiagnosticCatalogue.GraphNotSegmentable, $"The model cannot be run block by block: {obstacle}.", new SourceLocation(model.Path));
        }

        var (source, hints, constants) = WeightNodesBesideTheirUse(model.Model);
        var graph = source.Graph;
        var initializers = graph.Initializer.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var spans = Cuts(graph, constants, hints);
        var producedIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var readBy = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        for (var s = 0; s < spans.Count; s++)
        {
            for (var i = spans[s].First; i < spans[s].End; i++)
            {
                foreach (var input in graph.Node[i].Input.Where(n => n.Length > 0 && !initializers.ContainsKey(n)))
                {
                    if (!readBy.TryGetValue(input, out var readers))
                    {
                        readers = [];
                        readBy[input] = readers;
                    }

                    readers.Add(s);
                }

                foreach (var output in graph.Node[i].Output.Where(n => n.Length > 0))
                {
                    producedIn[output] = s;
                }
            }
        }

        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var wanted = observe.ToHashSet(StringComparer.Ordinal);
        var availableIn = new Dictionary<string, int>(producedIn, StringComparer.Ordinal);
        foreach (var (tensor, readers) in readBy.Where(p => !producedIn.ContainsKey(p.Key)))
        {
            availableIn[tensor] = readers.Min;
        }

        var segments = new List<GraphSegment>(spans.Count);
        for (var s = 0; s < spans.Count; s++)
        {
            var here = s;
            var inputs = readBy.Where(p => p.Value.Contains(here) && (!producedIn.TryGetValue(p.Key, out var from) || from < here)).Select(p => p.Key);
            var outputs = producedIn.Where(p => p.Value == here
                && (graphOutputs.Contains(p.Key) || wanted.Contains(p.Key) || (readBy.TryGetValue(p.Key, out var r) && r.Max > here))).Select(p => p.Key);
            var used = Enumerable.Range(spans[s].First, spans[s].End - spans[s].First)
                .SelectMany(i => graph.Node[i].Input).Where(initializers.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            segments.Add(new GraphSegment(
                s, spans[s].Label, spans[s].First, spans[s].End, InGraphOrder(graph, inputs), [.. outputs.Order(StringComparer.Ordinal)], used,
                used.Sum(n => OnnxModelFile.ExpectedByteLength(initializers[n]) ?? 0)));
        }

        return new GraphSegmentation(source, initializers, segments, availableIn);
    }

    /// <summary>
    /// The model with every node that reads only weights and constants (a Cast of a float16 weight, a
    /// Transpose of a tied embedding, a Constant) moved to just before its first reader; the rest keeps its
    /// order (any topological order computes the same values). Why: float16 conversions put all weight
    /// Casts at the top of the graph, so the first Cast named after block 1 would start block 1 before the
    /// embedding lookup, and a prologue holding every weight's Cast would hold the whole model. Shallow:
    /// the nodes and initializers are the model's own objects.
    /// </summary>
    /// <returns>The reordered model, for each moved node the block of the reader it was moved to (an unnamed Cast joins that block), and
    /// the constants: initializers and what nodes of weights only make of them (a float16 bias's Cast back to float32, named as the bias).</returns>
    private static (ModelProto Model, Dictionary<NodeProto, int> Hints, HashSet<string> Constants) WeightNodesBesideTheirUse(ModelProto model)
    {
        var source = model.Graph;
        var constant = source.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var deferred = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var order = new List<NodeProto>(source.Node.Count);
        var placed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var hints = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
        var activationCasts = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);    // named after their producer, they join their reader
        void Place(NodeProto node, int readerBlock)
        {
            if (!placed.Add(node))
            {
                return;
            }

            var block = BlockOf(node, constant);
            if (activationCasts.Contains(node) || (readerBlock >= 0 && block < 0))
            {
                hints[node] = readerBlock;                                      // an activation Cast has its reader's block, even none
                block = readerBlock;
            }

            foreach (var input in node.Input.Where(deferred.ContainsKey))
            {
                Place(deferred[input], block);
            }

            order.Add(node);
        }

        foreach (var node in source.Node)
        {
            // A Cast of an activation (float16 conversion's Cast in front of a MatMul) goes with its reader too: left beside
            // its producer, an unnamed block's first MatMul would read the half copy across the cut, a tensor the original
            // never carries (all-MiniLM-L6-v2's "146.fp16").
            if (node.OpType == "Cast" && node.Input.Count == 1 && node.Output.Count == 1 && !constant.Contains(node.Input[0]))
            {
                deferred[node.Output[0]] = node;
                activationCasts.Add(node);
                continue;
            }

            if (node.Input.All(i => i.Length == 0 || constant.Contains(i)))
            {
                foreach (var output in node.Output.Where(o => o.Length > 0))
                {
                    constant.Add(output);
                    deferred[output] = node;
                }

                continue;
            }

            Place(node, -1);
        }

        foreach (var node in deferred.Values)
        {
            Place(node, -1);                                                    // read by no node (a graph output, or unused)
        }

        var graph = new GraphProto { Name = source.Name, DocString = source.DocString };
        graph.Node.AddRange(order);
        graph.Initializer.AddRange(source.Initializer);
        graph.SparseInitializer.AddRange(source.SparseInitializer);
        graph.Input.AddRange(source.Input);
        graph.Output.AddRange(source.Output);
        graph.ValueInfo.AddRange(source.ValueInfo);
        var shallow = new ModelProto
        {
            IrVersion = model.IrVersion,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
            Domain = model.Domain,
            ModelVersion = model.ModelVersion,
            Graph = graph,
        };
        shallow.OpsetImport.AddRange(model.OpsetImport);
        shallow.Functions.AddRange(model.Functions);
        return (shallow, hints, constant);
    }

    /// <summary>
    /// Segment <paramref name="segment"/> as a model: its nodes and initializers (shared with the source
    /// model, not copied; external data keeps its location), graph inputs typed as the caller observed the
    /// crossing tensors (<paramref name="inputTypes"/>; a graph input keeps its declared type and shape).
    /// </summary>
    public ModelProto Build(GraphSegment segment, IReadOnlyDictionary<string, OnnxDataType> inputTypes, IReadOnlyCollection<string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(inputTypes);
        var source = _model.Graph;
        var graph = new GraphProto { Name = $"{source.Name}.{segment.Label}" };
        var declared = source.Input.Concat(source.Output).Concat(source.ValueInfo).GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var graphInputs = source.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in segment.Inputs)
        {
            graph.Input.Add(graphInputs.Contains(input) ? declared[input] : Untyped(input, inputTypes.TryGetValue(input, out var type)
                ? type
                : throw new ArgumentException($"No element type given for '{input}', an input of segment {segment.Label}.", nameof(inputTypes))));
        }

        for (var i = segment.FirstNode; i < segment.EndNode; i++)
        {
            graph.Node.Add(source.Node[i]);
        }

        graph.Initializer.Add(segment.Initializers.Select(n => _initializers[n]));
        foreach (var output in outputs ?? segment.Outputs)
        {
            // An output's element type is left to ONNX Runtime's inference unless the source declares it.
            graph.Output.Add(declared.TryGetValue(output, out var info) ? info : new ValueInfoProto { Name = output });
        }

        var model = new ModelProto
        {
            IrVersion = _model.IrVersion,
            ProducerName = _model.ProducerName,
            ProducerVersion = _model.ProducerVersion,
            Domain = _model.Domain,
            Graph = graph,
        };
        model.OpsetImport.Add(_model.OpsetImport);
        model.Functions.Add(_model.Functions);
        return model;
    }

    private static ValueInfoProto Untyped(string name, OnnxDataType type)
        => new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };

    private static List<string> InGraphOrder(GraphProto graph, IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        var graphInputs = graph.Input.Select(i => i.Name).Where(set.Contains).ToList();
        return [.. graphInputs, .. set.Except(graphInputs).Order(StringComparer.Ordinal)];
    }

    /// <summary>A prologue before the first block (embeddings), one span per block, an epilogue after the last block's last node (final norm, head).</summary>
    private static List<(int First, int End, string Label)> Cuts(GraphProto graph, HashSet<string> weights, Dictionary<NodeProto, int> hints)
    {
        var starts = new List<(int Node, int Block)>();
        var current = -1;
        var last = 0;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var block = hints.TryGetValue(graph.Node[i], out var hinted) ? hinted : BlockOf(graph.Node[i], weights);
            if (block < 0)
            {
                continue;
            }

            if (block > current)
            {
                // Unnamed exports (all-MiniLM-L6-v2): a block's first node with a block name is its query bias Add; the query MatMul
                // before it reads a numbered weight ("927"), and a float16 variant's Cast of the block input comes before that. Left in
                // the segment before, they make the variant's block read the half copy, a tensor the original never carries (GAC4090).
                var first = i;
                while (first - 1 > (starts.Count == 0 ? -1 : last) && FeedsTheBlock(graph.Node[first - 1], weights))
                {
                    first--;
                }

                starts.Add((first, block));
                current = block;
            }

            last = i;
        }

        var spans = new List<(int, int, string)>();
        if (starts[0].Node > 0)
        {
            spans.Add((0, starts[0].Node, "prologue"));
        }

        for (var s = 0; s < starts.Count; s++)
        {
            spans.Add((starts[s].Node, s + 1 < starts.Count ? starts[s + 1].Node : last + 1, $"block {starts[s].Block}"));
        }

        if (last + 1 < graph.Node.Count)
        {
            spans.Add((last + 1, graph.Node.Count, "epilogue"));
        }

        return spans;
    }

    /// <summary>A node without a block that goes with the block after it: a MatMul or Gemm of a weight, a Cast of an activation, a node of
    /// weights only.</summary>
    private static bool FeedsTheBlock(NodeProto node, HashSet<string> weights)
        => (node.OpType is "MatMul" or "Gemm" && node.Input.Any(weights.Contains))
            || (node.OpType == "Cast" && node.Input.Count == 1 && !weights.Contains(node.Input[0]))
            || node.Input.All(weights.Contains);

    /// <summary>
    /// The block of a node: from its name, else from the weights it reads. PyTorch 1.x exports such as
    /// all-MiniLM-L6-v2's leave nodes unnamed ("MatMul_123") but keep module paths in the names of biases and
    /// norm weights ("encoder.layer.0.attention.self.query.bias"); only the cut points come from this, and any
    /// cut of the sorted node list is exact.
    /// </summary>
    private static int BlockOf(NodeProto node, HashSet<string> weights)
    {
        var named = BlockOf(node.Name);
        return named >= 0 ? named : node.Input.Where(weights.Contains).Select(BlockOf).DefaultIfEmpty(-1).Max();
    }

    /// <summary>The block index a node name carries, or −1.</summary>
    internal static int BlockOf(string name)
    {
        var match = BlockName().Match(name);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, System.Globalization.NumberStyles.None, invariant, out var block) ? block : -1;
    }

    [GeneratedRegex(@"(?:^|[/.])(?:layers|layer|blocks|block|h)[./](\d+)(?=[/._]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex BlockName();
}
