using Gac.Core.Model;
using Gac.Onnx.Building;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Synthetic;
using Google.Protobuf;

namespace Gac.Onnx.Tests;

/// <summary>
/// PyTorch exports compute every Reshape target from Shape(x) at run time, so the tensors around
/// attention have Shape consumers beside their data consumer. These tests rewrite the synthetic
/// transformer's constant Reshape targets into the forms the exporters write and check that
/// discovery still finds every projection — and that the rewritten graph computes the same function.
/// </summary>
public sealed class ShapeBranchDiscoveryTests
{
    public enum ShapeStyle
    {
        /// <summary>torch.onnx.export (TorchScript, PyTorch 1.x and 2.x; Optimum): Shape → Gather(i) → Unsqueeze → Concat.</summary>
        ShapeGatherUnsqueeze,

        /// <summary>Opset 15 Shape with start/end attributes, then Concat with the constant tail.</summary>
        ShapeStartEnd,

        /// <summary>Shape → Slice → Concat (PyTorch's x.shape[:2] / x.size()[:-1] + (n,)).</summary>
        ShapeSlice,
    }

    [Theory]
    [InlineData(ShapeStyle.ShapeGatherUnsqueeze)]
    [InlineData(ShapeStyle.ShapeStartEnd)]
    [InlineData(ShapeStyle.ShapeSlice)]
    public void Every_projection_is_found_when_reshape_targets_come_from_shape_side_branches(ShapeStyle style)
    {
        var options = new SyntheticTransformerOptions { Hidden = 48, Heads = 4, Intermediate = 96, Blocks = 2, Mlp = MlpKind.Gelu, OpsetVersion = 17 };
        var model = SyntheticTransformer.Create(options);
        var rewritten = model.Clone();
        var replaced = ComputeReshapeTargetsAtRunTime(rewritten, style);
        Assert.Equal(8, replaced); // q, k, v split and the merge, in each of two blocks

        var inventory = LinearLayerDiscovery.Discover(rewritten);

        Assert.Equal(LinearLayerDiscovery.Discover(model).Groups, inventory.Groups, new GroupComparer());
        foreach (var block in new[] { 0, 1 })
        {
            var attention = inventory.Groups.Single(g => g.Name == $"blocks.{block}.attn");
            Assert.Equal([$"blocks.{block}.attn.q_proj", $"blocks.{block}.attn.k_proj", $"blocks.{block}.attn.v_proj", $"blocks.{block}.attn.o_proj"],
                attention.Members);
            Assert.Equal((4, 12), (attention.HeadCount, attention.HeadDim));
            Assert.Equal(LinearRole.AttentionOutput, inventory.Layers.Single(l => l.Name == $"blocks.{block}.attn.o_proj").Role);
        }

        // The rewrite is a faithful export form: ONNX Runtime computes the same outputs.
        using var folder = new ScratchFolder();
        File.WriteAllBytes(folder.File("constant.onnx"), model.ToByteArray());
        File.WriteAllBytes(folder.File("shape.onnx"), rewritten.ToByteArray());
        var input = OrtRunner.Input(3, 2 * 5 * 48);
        Assert.Equal(
            OrtRunner.Run(folder.File("constant.onnx"), SyntheticTransformer.InputName, input, 2, 5, 48),
            OrtRunner.Run(folder.File("shape.onnx"), SyntheticTransformer.InputName, input, 2, 5, 48));
    }

    [Fact]
    public void A_shape_read_through_a_transpose_is_still_a_shape_only_branch()
    {
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1 });
        var graph = model.Graph;
        var reshape = graph.Node.Single(n => n.Name == "blocks.0.attn/context/Reshape");
        var merged = reshape.Input[0];
        var at = graph.Node.IndexOf(reshape);
        graph.Node.Insert(at, new NodeProto
        {
            OpType = "Transpose",
            Name = "side/Transpose",
            Input = { merged },
            Output = { "side_t" },
            Attribute = { OnnxAttributes.Ints("perm", 1, 0, 2, 3) }
        });
        graph.Node.Insert(at + 1, new NodeProto { OpType = "Shape", Name = "side/Shape", Input = { "side_t" }, Output = { "side_shape" } });

        var inventory = LinearLayerDiscovery.Discover(model);

        Assert.Contains("blocks.0.attn.o_proj", inventory.Groups.Single(g => g.Name == "blocks.0.attn").Members);
    }

    [Fact]
    public void A_second_data_consumer_is_not_a_side_branch_and_the_output_projection_is_not_guessed()
    {
        // The merged heads also feed a real computation (a graph output): the o-projection is then
        // not the only reader, and discovery must not claim it through a fork.
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1 });
        var graph = model.Graph;
        var reshape = graph.Node.Single(n => n.Name == "blocks.0.attn/context/Reshape");
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "fork/Relu", Input = { reshape.Input[0] }, Output = { "fork" } });
        graph.Output.Add(new ValueInfoProto { Name = "fork" });

        var inventory = LinearLayerDiscovery.Discover(model);

        Assert.DoesNotContain("blocks.0.attn.o_proj", inventory.Groups.Single(g => g.Name == "blocks.0.attn").Members);
    }

    /// <summary>Replaces each attention Reshape's constant target by one computed from Shape(input), as exporters write it.</summary>
    private static int ComputeReshapeTargetsAtRunTime(ModelProto model, ShapeStyle style)
    {
        var graph = model.Graph;
        var constants = graph.Initializer.ToDictionary(t => t.Name, t => t);
        var count = 0;
        foreach (var reshape in graph.Node.Where(n => n.OpType == "Reshape" && n.Name.Contains(".attn/", StringComparison.Ordinal)).ToList())
        {
            var target = constants[reshape.Input[1]];
            var tail = target.Int64Data.Count > 0 ? target.Int64Data.Skip(2).ToArray()
                : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(target.RawData.Span).ToArray().Skip(2).ToArray();
            var prefix = $"{reshape.Name}/shape_{count}";
            var nodes = new List<NodeProto>();
            var tailName = $"{prefix}/tail";
            graph.Initializer.Add(OnnxTensorFactory.Int64Vector(tailName, tail));
            string leading;
            switch (style)
            {
                case ShapeStyle.ShapeGatherUnsqueeze:
                    var parts = new List<string>();
                    for (var axis = 0; axis < 2; axis++)
                    {
                        var index = $"{prefix}/index{axis}";
                        graph.Initializer.Add(new TensorProto { Name = index, DataType = (int)OnnxDataType.Int64, Int64Data = { axis } });
                        var axes = $"{prefix}/axes{axis}";
                        graph.Initializer.Add(OnnxTensorFactory.Int64Vector(axes, 0));
                        nodes.Add(new NodeProto
                        {
                            OpType = "Shape",
                            Name = $"{prefix}/Shape{axis}",
                            Input = { reshape.Input[0] },
                            Output = { $"{prefix}/shape{axis}" }
                        });
                        nodes.Add(new NodeProto
                        {
                            OpType = "Gather",
                            Name = $"{prefix}/Gather{axis}",
                            Input = { $"{prefix}/shape{axis}", index },
                            Output = { $"{prefix}/dim{axis}" },
                            Attribute = { OnnxAttributes.Int("axis", 0) }
                        });
                        nodes.Add(new NodeProto
                        {
                            OpType = "Unsqueeze",
                            Name = $"{prefix}/Unsqueeze{axis}",
                            Input = { $"{prefix}/dim{axis}", axes },
                            Output = { $"{prefix}/part{axis}" }
                        });
                        parts.Add($"{prefix}/part{axis}");
                    }

                    nodes.Add(new NodeProto
                    {
                        OpType = "Concat",
                        Name = $"{prefix}/Concat",
                        Input = { parts[0], parts[1], tailName },
                        Output = { $"{prefix}/target" },
                        Attribute = { OnnxAttributes.Int("axis", 0) }
                    });
                    leading = "";
                    break;
                case ShapeStyle.ShapeStartEnd:
                    nodes.Add(new NodeProto
                    {
                        OpType = "Shape",
                        Name = $"{prefix}/Shape",
                        Input = { reshape.Input[0] },
                        Output = { $"{prefix}/lead" },
                        Attribute = { OnnxAttributes.Int("start", 0), OnnxAttributes.Int("end", 2) }
                    });
                    leading = $"{prefix}/lead";
                    break;
                default:
                    graph.Initializer.Add(OnnxTensorFactory.Int64Vector($"{prefix}/starts", 0));
                    graph.Initializer.Add(OnnxTensorFactory.Int64Vector($"{prefix}/ends", 2));
                    nodes.Add(new NodeProto { OpType = "Shape", Name = $"{prefix}/Shape", Input = { reshape.Input[0] }, Output = { $"{prefix}/shape" } });
                    nodes.Add(new NodeProto
                    {
                        OpType = "Slice",
                        Name = $"{prefix}/Slice",
                        Input = { $"{prefix}/shape", $"{prefix}/starts", $"{prefix}/ends" },
                        Output = { $"{prefix}/lead" }
                    });
                    leading = $"{prefix}/lead";
                    break;
            }

            if (leading.Length > 0)
            {
                nodes.Add(new NodeProto
                {
                    OpType = "Concat",
                    Name = $"{prefix}/Concat",
                    Input = { leading, tailName },
                    Output = { $"{prefix}/target" },
                    Attribute = { OnnxAttributes.Int("axis", 0) }
                });
            }

            var at = graph.Node.IndexOf(reshape);
            for (var i = 0; i < nodes.Count; i++)
            {
                graph.Node.Insert(at + i, nodes[i]);
            }

            reshape.Input[1] = $"{prefix}/target";
            count++;
        }

        return count;
    }

    private sealed class GroupComparer : IEqualityComparer<LinearGroup>
    {
        public bool Equals(LinearGroup? x, LinearGroup? y)
            => x is not null && y is not null && x.Name == y.Name && x.Kind == y.Kind && x.Members.SequenceEqual(y.Members)
                && x.CoupledWidth == y.CoupledWidth && x.HeadCount == y.HeadCount && x.HeadDim == y.HeadDim;

        public int GetHashCode(LinearGroup obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
