namespace Gac.Core.Model.Architectures;

/// <summary>
/// Every tensor a checkpoint of this config holds, with the shape transformers stores it in
/// (nn.Linear [out, in]; GPT-2's Conv1D [in, out]). Used to validate checkpoints and to write
/// test and training checkpoints with the right names.
/// </summary>
public static class CheckpointLayout
{
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(TransformerConfig c, CheckpointTensorNames? names = null)
    {
        names ??= CheckpointTensorNames.For(c.Family);
        long h = c.HiddenSize, inner = c.IntermediateSize;
        var list = new List<(string, long[])> { (names.Embedding, [c.VocabSize, h]) };
        if (c.Family == TransformerFamily.Gpt2)
        {
            list.Add((names.PositionEmbedding, [c.MaxPositions, h]));
        }

        for (var i = 0; i < c.Layers; i++)
        {
            if (c.Family == TransformerFamily.Llama)
            {
                list.Add((names.BlockNorm(i, true) + ".weight", [h]));
                if (c.FusedProjections)
                {
                    // Phi-3 has no biases; q, k and v are stacked by rows (FusedProjectionSplit).
                    Linear(list, names.AttentionLinear(i, FusedProjectionSplit.QkvProjection), h, c.QueryWidth + (2L * c.KeyValueWidth), false);
                }
                else
                {
                    Linear(list, names.AttentionLinear(i, "q_proj"), h, c.QueryWidth, c.QkvBias);
                    Linear(list, names.AttentionLinear(i, "k_proj"), h, c.KeyValueWidth, c.QkvBias);
                    Linear(list, names.AttentionLinear(i, "v_proj"), h, c.KeyValueWidth, c.QkvBias);
                }

                if (c.QkNorm)
                {
                    list.Add((names.AttentionLinear(i, "q_norm") + ".weight", [c.HeadDim]));
                    list.Add((names.AttentionLinear(i, "k_norm") + ".weight", [c.HeadDim]));
                }

                Linear(list, names.AttentionLinear(i, "o_proj"), c.QueryWidth, h, c.OutputBias);
                list.Add((names.BlockNorm(i, false) + ".weight", [h]));
                if (c.FusedProjections)
                {
                    Linear(list, names.MlpLinear(i, FusedProjectionSplit.GateUpProjection), h, 2L * inner, false);
                }
                else
                {
                    Linear(list, names.MlpLinear(i, "gate_proj"), h, inner, c.MlpBias);
                    Linear(list, names.MlpLinear(i, "up_proj"), h, inner, c.MlpBias);
                }

                Linear(list, names.MlpLinear(i, "down_proj"), inner, h, c.MlpBias);
            }
            else
            {
                Norm(list, names.BlockNorm(i, true), h);
                Conv1D(list, names.AttentionLinear(i, "c_attn"), h, 3 * h);
                Conv1D(list, names.AttentionLinear(i, "c_proj"), h, h);
                Norm(list, names.BlockNorm(i, false), h);
                Conv1D(list, names.MlpLinear(i, "c_fc"), h, inner);
                Conv1D(list, names.MlpLinear(i, "c_proj"), inner, h);
            }
        }

        if (c.Family == TransformerFamily.Llama)
        {
            list.Add((names.FinalNorm + ".weight", [h]));
            if (!c.TieWordEmbeddings)
            {
                list.Add((names.LmHead + ".weight", [c.VocabSize, h]));
            }
        }
        else
        {
            Norm(list, names.FinalNorm, h);
        }

        return list;
    }

    private static void Linear(List<(string, long[])> list, string module, long inFeatures, long outFeatures, bool bias)
    {
        list.Add((module + ".weight", [outFeatures, inFeatures]));
        if (bias)
        {
            list.Add((module + ".bias", [outFeatures]));
        }
    }

    private static void Conv1D(List<(string, long[])> list, string module, long inFeatures, long outFeatures)
    {
        list.Add((module + ".weight", [inFeatures, outFeatures]));
        list.Add((module + ".bias", [outFeatures]));
    }

    private static void Norm(List<(string, long[])> list, string module, long width)
    {
        list.Add((module + ".weight", [width]));
        list.Add((module + ".bias", [width]));
    }
}
