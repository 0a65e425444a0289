using TorchSharp;
using static TorchSharp.torch;

namespace Gac.Examples.TrainLm;

/// <summary>
/// RoPE as Hugging Face's LlamaRotaryEmbedding computes it: inv_freq_j = θ^(−2j/d) for j &lt; d/2,
/// angles duplicated across the two halves of the head dim (cat(freqs, freqs)), and
/// rotate_half(x) = cat(−x[d/2:], x[:d/2]). This is the "half split" convention, not GPT-J's
/// interleaved pairs; an importer that assumes the other one would scramble every head.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor cos;
    private readonly Tensor sin;

    public RotaryEmbedding(int headDim, int maxPositions, double theta)
    {
        using var scope = torch.NewDisposeScope();
        var exponents = torch.arange(0, headDim, 2, dtype: float64) / headDim;
        var invFreq = torch.pow(theta, exponents).reciprocal();
        var positions = torch.arange(maxPositions, dtype: float64);
        var freqs = torch.outer(positions, invFreq);
        var angles = torch.cat([freqs, freqs], dim: -1);
        cos = angles.cos().to(float32).MoveToOuterDisposeScope();
        sin = angles.sin().to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>x: [batch, heads, seq, head_dim], positions 0..seq-1.</summary>
    public Tensor Apply(Tensor x)
    {
        var seq = x.shape[2];
        var half = x.shape[3] / 2;
        var c = cos.narrow(0, 0, seq);
        var s = sin.narrow(0, 0, seq);
        var rotated = torch.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], dim: -1);
        return x * c + rotated * s;
    }

    public void Dispose()
    {
        cos.Dispose();
        sin.Dispose();
    }
}
