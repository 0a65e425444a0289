namespace Gac.Core.Model.Architectures;

/// <summary>
/// cos and sin of position · frequency, [positions, head_dim] row-major, each row's halves
/// repeated (transformers' layout: emb = cat(freqs, freqs), paired with rotate_half). Computed in
/// double and rounded once, so every consumer (ONNX export, reference forward) uses the same bits.
/// </summary>
public sealed record RotaryTables(int Positions, int HeadDim, float[] Cos, float[] Sin)
{
    public static RotaryTables Create(TransformerConfig config, int positions)
    {
        var frequencies = config.RopeScaling.InverseFrequencies(config.HeadDim, config.RopeTheta);
        var d = config.HeadDim;
        var half = d / 2;
        var cos = new float[positions * d];
        var sin = new float[positions * d];
        for (var p = 0; p < positions; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = p * frequencies[i];
                cos[(p * d) + i] = cos[(p * d) + half + i] = (float)Math.Cos(angle);
                sin[(p * d) + i] = sin[(p * d) + half + i] = (float)Math.Sin(angle);
            }
        }

        return new RotaryTables(positions, d, cos, sin);
    }
}
