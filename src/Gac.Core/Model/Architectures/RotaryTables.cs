namespace Gac.Core.Model.Architectures;

/// <summary>
/// Rotary position embedding as transformers computes it at run time: float32 inverse frequencies,
/// angle = float32(position) · frequency in float32, cos/sin of it (times the scaling's attention
/// factor), each row's halves repeated (emb = cat(freqs, freqs), paired with rotate_half). The ONNX
/// export computes the same thing in the graph from the position ids; this is the table form, for
/// the reference forward and for tests.
/// </summary>
public sealed record RotaryTables(int Positions, int RotaryDim, float[] Cos, float[] Sin)
{
    /// <summary>The rotary inverse frequencies rounded once to float32, as the graph holds them.</summary>
    /// <param name="longContext">LongRoPE: the sequence (last position + 1) exceeds the original context.</param>
    public static float[] InverseFrequencies(TransformerConfig config, bool longContext = false)
        => config.RopeScaling.InverseFrequencies(config.RotaryDim, config.RopeTheta, longContext).Select(f => (float)f).ToArray();

    /// <summary>Rows for positions 0 … count − 1.</summary>
    public static RotaryTables Create(TransformerConfig config, int count) => Create(config, Enumerable.Range(0, count).Select(p => (long)p).ToArray());

    /// <summary>Rows [positions.Length, rotary_dim] for the given positions.</summary>
    public static RotaryTables Create(TransformerConfig config, long[] positions)
    {
        // transformers' longrope_frequency_update: long factors when max(position_ids) + 1 > original context.
        var longContext = config.RopeScaling.Kind == RopeScalingKind.LongRope && positions.Length > 0 && positions.Max()
            + 1 > config.RopeScaling.OriginalMaxPositions;
        var frequencies = InverseFrequencies(config, longContext);
        var d = config.RotaryDim;
        var half = d / 2;
        var scale = (float)config.RopeScaling.AttentionFactor;
        var cos = new float[positions.Length * d];
        var sin = new float[positions.Length * d];
        for (var row = 0; row < positions.Length; row++)
        {
            var p = (float)positions[row];
            for (var i = 0; i < half; i++)
            {
                var angle = p * frequencies[i];
                cos[(row * d) + i] = cos[(row * d) + half + i] = (float)Math.Cos(angle) * scale;
                sin[(row * d) + i] = sin[(row * d) + half + i] = (float)Math.Sin(angle) * scale;
            }
        }

        return new RotaryTables(positions.Length, d, cos, sin);
    }
}
