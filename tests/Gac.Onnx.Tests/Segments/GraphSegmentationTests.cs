using System.Globalization;
using Gac.Core.Diagnostics;
using Gac.Core.Model;
using Gac.Onnx.Ir;
using Gac.Onnx.Segments;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests.Segments;

public sealed class GraphSegmentationTests
{
    private static OnnxModelFile Transformer(int blocks)
        => OnnxModelFile.FromModel(SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 48, Blocks = blocks }),
            "/virtual/model.onnx");

    [Fact]
    public void Segments_cover_every_node_once_in_order_one_per_named_block()
    {
        var model = Transformer(3);
        var segmentation = GraphSegmentation.ByBlocks(model, []);

        var segments = segmentation.Segments;
        Assert.Equal(0, segments[0].FirstNode);
        Assert.Equal(model.Model.Graph.Node.Count, segments[^1].EndNode);
        Assert.All(segments.Zip(segments.Skip(1)), p => Assert.Equal(p.First.EndNode, p.Second.FirstNode));
        Assert.Equal(["block 0", "block 1", "block 2"], segments.Select(s => s.Label).Where(l => l.StartsWith("block", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_input_of_a_segment_is_a_graph_input_or_an_output_of_an_earlier_segment()
    {
        var model = Transformer(3);
        var segmentation = GraphSegmentation.ByBlocks(model, []);

        var available = model.Model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var segment in segmentation.Segments)
        {
            Assert.All(segment.Inputs, i => Assert.Contains(i, available));
            available.UnionWith(segment.Outputs);
        }

        // The last segment returns what the graph returns; no initializer crosses a boundary.
        Assert.All(model.Model.Graph.Output, o => Assert.Contains(o.Name, segmentation.Segments[^1].Outputs));
        var weights = model.Model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(segmentation.Segments, s => Assert.DoesNotContain(s.Inputs, weights.Contains));
        // Each block's weights live in one segment; only small shared constants (shapes, scales) appear in several.
        var used = model.Model.Graph.Node.SelectMany(n => n.Input).Where(weights.Contains).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(used.Order(), segmentation.Segments.SelectMany(s => s.Initializers).Distinct().Order());
        Assert.All(used.Where(w => w.StartsWith("blocks.", StringComparison.Ordinal)),
            w => Assert.Single(segmentation.Segments, s => s.Initializers.Contains(w)));
        Assert.True(segmentation.Segments.Sum(s => s.WeightBytes) < GraphSegmentation.WeightBytes(model) * 1.01);
    }

    /// <summary>
    /// Float16 conversion puts every weight's Cast at the top of the graph; cut in node order, the first Cast named
    /// after block 1 started block 1 before the embedding lookup (a variant's "block 1" read input_ids, GAC4090), and a
    /// segment holding the Casts of later blocks would hold their weights. Each Cast now goes with the block reading it.
    /// </summary>
    [Fact]
    public void Weight_casts_at_the_top_of_a_float16_graph_go_with_the_block_that_reads_them()
    {
        var fp32 = Transformer(3);
        var half = OnnxModelFile.FromModel(Gac.Onnx.Rewrites.Fp16Conversion.Apply(fp32), "/virtual/model.onnx");
        Assert.Equal("Cast", half.Model.Graph.Node[0].OpType);                   // the layout this guards against

        var segmentation = GraphSegmentation.ByBlocks(half, []);
        var reference = GraphSegmentation.ByBlocks(fp32, []);

        var blocks = segmentation.Segments.Where(s => s.Label.StartsWith("block ", StringComparison.Ordinal)).ToList();
        Assert.Equal(reference.Segments.Where(s => s.Label.StartsWith("block ", StringComparison.Ordinal)).Select(s => s.Label), blocks.Select(s => s.Label));
        Assert.All(segmentation.Segments.Where(s => !s.Label.StartsWith("block ", StringComparison.Ordinal)),
            s => Assert.DoesNotContain(s.Initializers, w => GraphSegmentation.BlockOf(w) >= 0));
        foreach (var segment in blocks)
        {
            var expected = reference.Segments.Single(s => s.Label == segment.Label);
            var block = int.Parse(segment.Label[6..], CultureInfo.InvariantCulture);
            Assert.All(segment.Initializers.Where(w => GraphSegmentation.BlockOf(w) >= 0), w => Assert.Equal(block, GraphSegmentation.BlockOf(w)));
            var graphInputs = half.Model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(expected.Inputs.Where(graphInputs.Contains), segment.Inputs.Where(graphInputs.Contains));
            Assert.Subset(expected.Inputs.ToHashSet(StringComparer.Ordinal), segment.Inputs.ToHashSet(StringComparer.Ordinal)); // no half copy crosses
        }
    }

    /// <summary>
    /// A PyTorch 1.x export (all-MiniLM-L6-v2): nodes unnamed, MatMul weights numbered ("927"), only biases and norms keep module
    /// names, so a block's first named node is its query bias Add. The query MatMul before it, and in the float16 variant the Cast of
    /// the block input before that, are cut with the block: else the variant's block reads the half copy, which the original never
    /// carries (GAC4090 for every fp16 variant of such a model).
    /// </summary>
    [Fact]
    public void Unnamed_nodes_with_numbered_weights_cut_a_float16_variant_where_they_cut_the_original()
    {
        var fp32 = Unnamed(Transformer(3));
        var half = OnnxModelFile.FromModel(Gac.Onnx.Rewrites.Fp16Conversion.Apply(fp32), "/virtual/model.onnx");

        var segmentation = GraphSegmentation.ByBlocks(half, []);
        var reference = GraphSegmentation.ByBlocks(fp32, []);

        Assert.Equal(["block 0", "block 1", "block 2"], reference.Segments.Select(s => s.Label).Where(l => l.StartsWith("block", StringComparison.Ordinal)));
        Assert.Equal(reference.Segments.Select(s => s.Label), segmentation.Segments.Select(s => s.Label));
        foreach (var (segment, expected) in segmentation.Segments.Zip(reference.Segments))
        {
            Assert.Subset(expected.Inputs.ToHashSet(StringComparer.Ordinal), segment.Inputs.ToHashSet(StringComparer.Ordinal));
        }

        // Each block's query MatMul is in that block, not in the segment before it.
        foreach (var block in reference.Segments.Where(s => s.Label.StartsWith("block ", StringComparison.Ordinal)))
        {
            var bias = $"blocks.{block.Label[6..]}.attn.q_proj.bias";
            Assert.Contains(bias, block.Initializers);
            var reader = fp32.Model.Graph.Node.Single(n => n.Input.Contains(bias));
            Assert.DoesNotContain(reader.Input[0], block.Inputs);
        }
    }

    /// <summary>The model as a PyTorch 1.x export writes it: no node names, every 2-D weight under a number.</summary>
    private static OnnxModelFile Unnamed(OnnxModelFile model)
    {
        var copy = model.Model.Clone();
        var numbers = copy.Graph.Initializer.Where(t => t.Dims.Count == 2).Select((t, i) => (t.Name, Number: (900 + i).ToString(CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.Name, p => p.Number, StringComparer.Ordinal);
        foreach (var tensor in copy.Graph.Initializer.Where(t => numbers.ContainsKey(t.Name)))
        {
            tensor.Name = numbers[tensor.Name];
        }

        foreach (var node in copy.Graph.Node)
        {
            node.Name = string.Empty;
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = numbers.GetValueOrDefault(node.Input[i], node.Input[i]);
            }
        }

        return OnnxModelFile.FromModel(copy, "/virtual/model.onnx");
    }

    [Fact]
    public void A_built_segment_holds_only_its_own_nodes_and_weights_and_types_its_crossing_inputs()
    {
        var model = Transformer(2);
        var segmentation = GraphSegmentation.ByBlocks(model, []);
        var second = segmentation.Segments.Single(s => s.Label == "block 1");

        var built = segmentation.Build(second, second.Inputs.ToDictionary(i => i, _ => OnnxDataType.Float));

        Assert.Equal(second.EndNode - second.FirstNode, built.Graph.Node.Count);
        Assert.All(built.Graph.Initializer, t => Assert.DoesNotContain("blocks.0.", t.Name, StringComparison.Ordinal));
        Assert.Contains(built.Graph.Initializer, t => t.Name.StartsWith("blocks.1.", StringComparison.Ordinal));
        Assert.All(built.Graph.Input, i => Assert.Equal((int)OnnxDataType.Float, i.Type.TensorType.ElemType));
        Assert.Equal(second.Outputs, built.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void An_observed_activation_is_an_output_of_the_segment_making_it()
    {
        var model = Transformer(2);
        var inner = model.Model.Graph.Node.First(n => n.Name.StartsWith("blocks.1.mlp", StringComparison.Ordinal)).Output[0];

        var segmentation = GraphSegmentation.ByBlocks(model, [inner]);

        var segment = segmentation.Segments[segmentation.SegmentOf(inner)];
        Assert.Equal("block 1", segment.Label);
        Assert.Contains(inner, segment.Outputs);
    }

    [Fact]
    public void A_graph_with_one_block_or_control_flow_is_refused_with_GAC4090()
    {
        Assert.Contains("1 transformer block(s)", GraphSegmentation.Obstacle(Transformer(1)), StringComparison.Ordinal);
        var looped = Transformer(2);
        var branch = new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() };
        looped.Model.Graph.Node[3].Attribute.Add(branch);
        Assert.Contains("holds a subgraph", GraphSegmentation.Obstacle(looped), StringComparison.Ordinal);

        var error = Assert.Throws<GacException>(() => GraphSegmentation.ByBlocks(Transformer(1), []));
        Assert.Equal("GAC4090", error.Diagnostics[0].Descriptor.Code);
    }

    [Theory]
    [InlineData("model.layers.12.self_attn.q_proj/MatMul", 12)]
    [InlineData("/model/layers.3/mlp/Mul", 3)]
    [InlineData("transformer.h.7.attn/Softmax", 7)]
    [InlineData("blocks.0.attn/scores/MatMul", 0)]
    [InlineData("lm_head/MatMul", -1)]
    [InlineData("model.norm/Mul", -1)]
    [InlineData("layers_count/Shape", -1)]
    public void Block_indices_are_read_from_module_names(string node, int block)
        => Assert.Equal(block, GraphSegmentation.BlockOf(node));
}
