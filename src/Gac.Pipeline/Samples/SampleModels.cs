using Gac.Onnx.Synthetic;

namespace Gac.Pipeline.Samples;

/// <summary>
/// <c>gac-build synth</c>'s work: a deterministic synthetic transformer (attention + MLP blocks) to try
/// the pipeline on, and reproducible models for tests and examples.
/// </summary>
public static class SampleModels
{
    /// <summary>Writes the model to <paramref name="path"/>, creating its folder; returns its linear parameter count.</summary>
    public static long WriteTransformer(SyntheticTransformerOptions options, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SyntheticTransformer.Write(options, path);
        return options.LinearParameters;
    }
}
