using Gac.Core.Model;
using Gac.Onnx.Discovery;
using Gac.Onnx.Synthetic;

namespace Gac.Onnx.Tests;

public sealed class DiscoveryTests
{
    [Theory]
    [InlineData(WeightStorage.Initializers)]
    [InlineData(WeightStorage.ConstantNodes)]
    [InlineData(WeightStorage.GemmTransposed)]
    public void A_llama_style_model_yields_q_k_v_o_and_gate_up_down_per_block(WeightStorage storage)
    {
        var options = new SyntheticTransformerOptions { Hidden = 96, Heads = 6, Intermediate = 200, Blocks = 2, Storage = storage };
        var inventory = LinearLayerDiscovery.Discover(SyntheticTransformer.Create(options));

        Assert.Equal(14, inventory.Layers.Count);
        var q = inventory.Layers.Single(l => l.Name == "blocks.1.attn.q_proj");
        Assert.Equal(new LinearLayer("blocks.1.attn.q_proj", "blocks.1.attn.q_proj.weight", 96, 96, true, LinearRole.Query, "blocks.1.attn"), q);
        Assert.Equal(LinearRole.Key, Layer(inventory, "blocks.0.attn.k_proj").Role);
        Assert.Equal(LinearRole.Value, Layer(inventory, "blocks.0.attn.v_proj").Role);
        Assert.Equal(LinearRole.AttentionOutput, Layer(inventory, "blocks.0.attn.o_proj").Role);
        var down = Layer(inventory, "blocks.0.mlp.down_proj");
        Assert.Equal((200L, 96L, false, LinearRole.MlpDown), (down.InFeatures, down.OutFeatures, down.HasBias, down.Role));
        Assert.Equal(LinearRole.MlpGate, Layer(inventory, "blocks.0.mlp.gate_proj").Role);
        Assert.Equal(LinearRole.MlpUp, Layer(inventory, "blocks.0.mlp.up_proj").Role);

        var attention = inventory.Groups.Single(g => g.Name == "blocks.0.attn");
        Assert.Equal(GroupKind.Attention, attention.Kind);
        Assert.Equal(["blocks.0.attn.q_proj", "blocks.0.attn.k_proj", "blocks.0.attn.v_proj", "blocks.0.attn.o_proj"], attention.Members);
        Assert.Equal((96L, 6, 16), (attention.CoupledWidth, attention.HeadCount, attention.HeadDim));
        var mlp = inventory.Groups.Single(g => g.Name == "blocks.1.mlp");
        Assert.Equal(GroupKind.Mlp, mlp.Kind);
        Assert.Equal(["blocks.1.mlp.gate_proj", "blocks.1.mlp.up_proj", "blocks.1.mlp.down_proj"], mlp.Members);
        Assert.Equal(200, mlp.CoupledWidth);
        Assert.Equal(4, inventory.Groups.Count);
        Assert.Equal(options.LinearParameters, inventory.LinearParameters);
    }

    [Fact]
    public void Gemm_with_transB_stores_the_weight_as_out_by_in_and_reports_K_and_N_the_right_way_round()
    {
        var options = new SyntheticTransformerOptions
        {
            Hidden = 32,
            Heads = 2,
            Intermediate = 80,
            Blocks = 1,
            Storage = WeightStorage.GemmTransposed,
            Mlp = MlpKind.Relu
        };
        var model = SyntheticTransformer.Create(options);
        var weight = model.Graph.Initializer.Single(t => t.Name == "blocks.0.mlp.fc1.weight");
        Assert.Equal([80L, 32L], weight.Dims); // [N, K] on disk

        var fc1 = Layer(LinearLayerDiscovery.Discover(model), "blocks.0.mlp.fc1");

        Assert.Equal((32L, 80L), (fc1.InFeatures, fc1.OutFeatures));
    }

    [Theory]
    [InlineData(MlpKind.Gelu)]
    [InlineData(MlpKind.Relu)]
    public void An_fc1_fc2_mlp_is_one_group_coupled_by_the_intermediate_width(MlpKind kind)
    {
        var options = new SyntheticTransformerOptions { Hidden = 48, Heads = 3, Intermediate = 130, Blocks = 1, Mlp = kind, MlpBias = true };
        var inventory = LinearLayerDiscovery.Discover(SyntheticTransformer.Create(options));

        var mlp = inventory.Groups.Single(g => g.Kind == GroupKind.Mlp);
        Assert.Equal(["blocks.0.mlp.fc1", "blocks.0.mlp.fc2"], mlp.Members);
        Assert.Equal(130, mlp.CoupledWidth);
        Assert.Equal((LinearRole.MlpUp, true), (Layer(inventory, "blocks.0.mlp.fc1").Role, Layer(inventory, "blocks.0.mlp.fc1").HasBias));
        Assert.Equal(LinearRole.MlpDown, Layer(inventory, "blocks.0.mlp.fc2").Role);
        Assert.Equal((3, 16), (inventory.Groups.Single(g => g.Kind == GroupKind.Attention).HeadCount, inventory.Groups.Single(g =>
            g.Kind == GroupKind.Attention).HeadDim));
    }

    [Fact]
    public void Roles_come_from_structure_not_names()
    {
        // Rename every weight and node to something meaningless: structure alone must still find the roles.
        var model = SyntheticTransformer.Create(new SyntheticTransformerOptions { Blocks = 1 });
        var renames = model.Graph.Initializer.Select((t, i) => (From: t.Name, To: $"tensor_{i}")).ToDictionary(r => r.From, r => r.To);
        foreach (var tensor in model.Graph.Initializer)
        {
            tensor.Name = renames[tensor.Name];
        }

        var ordinal = 0;
        foreach (var node in model.Graph.Node)
        {
            node.Name = $"node_{ordinal++}";
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = renames.GetValueOrDefault(node.Input[i], node.Input[i]);
            }
        }

        var inventory = LinearLayerDiscovery.Discover(model);

        Assert.Equal(
            [LinearRole.Query, LinearRole.Key, LinearRole.Value, LinearRole.AttentionOutput, LinearRole.MlpGate, LinearRole.MlpUp, LinearRole.MlpDown],
            inventory.Layers.Select(l => l.Role));
        Assert.Equal(["attention.0", "mlp.0"], inventory.Groups.Select(g => g.Name));
    }

    [Fact]
    public void The_real_PaddleOCR_recognizer_has_two_SVTR_blocks_with_fused_qkv()
    {
        var inventory = LinearLayerDiscovery.Discover(OnnxModelFile.Load(TestModels.PaddleOcrRecognizer));

        var attention = inventory.Groups.Where(g => g.Kind == GroupKind.Attention).ToList();
        var mlps = inventory.Groups.Where(g => g.Kind == GroupKind.Mlp).ToList();
        Assert.Equal(2, attention.Count);
        Assert.Equal(2, mlps.Count);
        foreach (var group in attention)
        {
            var qkv = Layer(inventory, group.Members[0]);
            var proj = Layer(inventory, group.Members[1]);
            Assert.Equal((120L, 360L, LinearRole.QkvFused, true), (qkv.InFeatures, qkv.OutFeatures, qkv.Role, qkv.HasBias));
            Assert.Equal((120L, 120L, LinearRole.AttentionOutput), (proj.InFeatures, proj.OutFeatures, proj.Role));
            // SVTR-tiny in PP-OCRv4's recognizer: 8 heads of 15 (the Reshape target [0, -1, 3, 8, 15]).
            Assert.Equal((120L, 8, 15), (group.CoupledWidth, group.HeadCount, group.HeadDim));
        }

        foreach (var group in mlps)
        {
            var fc1 = Layer(inventory, group.Members[0]);
            var fc2 = Layer(inventory, group.Members[1]);
            Assert.Equal((120L, 240L, LinearRole.MlpUp), (fc1.InFeatures, fc1.OutFeatures, fc1.Role));
            Assert.Equal((240L, 120L, LinearRole.MlpDown), (fc2.InFeatures, fc2.OutFeatures, fc2.Role));
            Assert.Equal(240, group.CoupledWidth);
        }

        // The CTC head's classifier (120 → 6625 characters) is linear but in no group.
        var head = inventory.Layers.Single(l => l.OutFeatures == 6625);
        Assert.Equal((LinearRole.Unknown, null), (head.Role, head.Group));
        Assert.Equal(9, inventory.Layers.Count);
    }

    private static LinearLayer Layer(ModelInventory inventory, string name) => inventory.Layers.Single(l => l.Name == name);
}
