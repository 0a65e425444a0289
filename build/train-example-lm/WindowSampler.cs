using TorchSharp;
using static TorchSharp.torch;

namespace Gac.Examples.TrainLm;

/// <summary>
/// Random training windows: each row is tokens[s .. s+ctx] as input and tokens[s+1 .. s+ctx+1] as
/// target, s uniform. System.Random with a seed is a fixed algorithm across .NET versions, so the
/// sequence of batches is reproducible.
/// </summary>
public sealed class WindowSampler(byte[] tokens, int context, int seed)
{
    private readonly Random _random = new(seed);

    public (Tensor Inputs, Tensor Targets) Next(int batch)
    {
        var inputs = new long[batch * context];
        var targets = new long[batch * context];
        for (var b = 0; b < batch; b++)
        {
            var start = _random.Next(0, tokens.Length - context);
            for (var t = 0; t < context; t++)
            {
                inputs[b * context + t] = tokens[start + t];
                targets[b * context + t] = tokens[start + t + 1];
            }
        }
        return (torch.tensor(inputs, [batch, context]), torch.tensor(targets, [batch, context]));
    }
}
