namespace Gac.Core.Model.Architectures;

/// <summary>
/// The linear layers and coupled groups of a model from its config.json alone (no weights): the
/// inventory discovery would find in the exported ONNX graph, for shape-only planning. The LM
/// head and embeddings are not listed: they stay dense (ASVD and SVD-LLM leave the head alone).
/// </summary>
public static class ArchitectureShapes
{
    public static ModelInventory FromConfigFile(string configPath)
        => FromConfig(TransformerConfigReader.Load(configPath), configPath);

    public static ModelInventory FromConfig(TransformerConfig config, string source = "config.json")
    {
        var names = CheckpointTensorNames.For(config.Family);
        var layers = new List<LinearLayer>();
        var groups = new List<LinearGroup>();
        for (var i = 0; i < config.Layers; i++)
        {
            var attention = names.Attention(i);
            var mlp = names.Mlp(i);
            var attentionLayers = config.Family == TransformerFamily.Llama
                ? new[]
                {
                    Layer(names.AttentionLinear(i, "q_proj"), config.HiddenSize, config.QueryWidth, config.QkvBias, LinearRole.Query, attention),
                    Layer(names.AttentionLinear(i, "k_proj"), config.HiddenSize, config.KeyValueWidth, config.QkvBias, LinearRole.Key, attention),
                    Layer(names.AttentionLinear(i, "v_proj"), config.HiddenSize, config.KeyValueWidth, config.QkvBias, LinearRole.Value, attention),
                    Layer(names.AttentionLinear(i, "o_proj"), config.QueryWidth, config.HiddenSize, config.OutputBias, LinearRole.AttentionOutput, attention),
                }
                : new[]
                {
                    Layer(names.AttentionLinear(i, "c_attn"), config.HiddenSize, 3 * config.HiddenSize, true, LinearRole.QkvFused, attention),
                    Layer(names.AttentionLinear(i, "c_proj"), config.HiddenSize, config.HiddenSize, true, LinearRole.AttentionOutput, attention),
                };
            var mlpLayers = config.Family == TransformerFamily.Llama
                ? new[]
                {
                    Layer(names.MlpLinear(i, "gate_proj"), config.HiddenSize, config.IntermediateSize, config.MlpBias, LinearRole.MlpGate, mlp),
                    Layer(names.MlpLinear(i, "up_proj"), config.HiddenSize, config.IntermediateSize, config.MlpBias, LinearRole.MlpUp, mlp),
                    Layer(names.MlpLinear(i, "down_proj"), config.IntermediateSize, config.HiddenSize, config.MlpBias, LinearRole.MlpDown, mlp),
                }
                : new[]
                {
                    Layer(names.MlpLinear(i, "c_fc"), config.HiddenSize, config.IntermediateSize, true, LinearRole.MlpUp, mlp),
                    Layer(names.MlpLinear(i, "c_proj"), config.IntermediateSize, config.HiddenSize, true, LinearRole.MlpDown, mlp),
                };

            layers.AddRange(attentionLayers);
            layers.AddRange(mlpLayers);
            groups.Add(new LinearGroup(attention, GroupKind.Attention, attentionLayers.Select(l => l.Name).ToArray(), config.QueryWidth, config.Heads,
                config.HeadDim));
            groups.Add(new LinearGroup(mlp, GroupKind.Mlp, mlpLayers.Select(l => l.Name).ToArray(), config.IntermediateSize));
        }

        return new ModelInventory(source, layers, groups);
    }

    private static LinearLayer Layer(string name, long inFeatures, long outFeatures, bool bias, LinearRole role, string group)
        => new(name, name + ".weight", inFeatures, outFeatures, bias, role, group);
}
