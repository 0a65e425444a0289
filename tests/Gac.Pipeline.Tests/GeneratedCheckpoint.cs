using Gac.Compression.Checkpoints;
using Gac.Core.Model.Architectures;

namespace Gac.Pipeline.Tests;

/// <summary>
/// A small Hugging Face checkpoint with seeded uniform weights in [−0.15, 0.15), in the layout the config
/// declares: the tests' stand-in for a trained model where shapes and plumbing are the point, not skill.
/// The caller's <see cref="Random"/> is drawn in tensor order, so it can go on to draw token ids after.
/// </summary>
internal static class GeneratedCheckpoint
{
    public static List<SafetensorsTensor> Tensors(string config, Random random)
        => CheckpointLayout.Tensors(TransformerConfigReader.Parse(config))
            .Select(t => new SafetensorsTensor(t.Name, t.Shape, Enumerable.Range(0, (int)t.Shape.Aggregate(1L, (a, d) => a * d))
                .Select(_ => (float)(random.NextDouble() - 0.5) * 0.3f).ToArray()))
            .ToList();

    /// <summary>Creates <paramref name="folder"/> with config.json and model.safetensors.</summary>
    public static void Write(string folder, string config, Random random)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), Tensors(config, random));
    }
}
