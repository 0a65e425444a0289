using Gac.Compression.Checkpoints;
using Gac.Core.Artifacts;
using Gac.Core.Model.Architectures;
using Gac.Onnx;
using Gac.Onnx.Exporters;

namespace Gac.Pipeline.Steps;

/// <summary>
/// export.genai: genai_config.json and the checkpoint's tokenizer files as companions of the
/// artifact, so they are committed with it (and never left beside a rejected or an older model).
/// Checked once right after the export, so an untranslatable config stops the run before any
/// compression work, and written from the accepted candidate's own graph at publish.
/// </summary>
public static class GenAiFolder
{
    public static void Check(RunContext run, OnnxModelFile exported)
    {
        if (run.Spec.Export.GenAi)
        {
            _ = Files(run, exported);
        }
    }

    public static IReadOnlyList<CompanionFile> Companions(RunContext run, string candidatePath)
        => run.Spec.Export.GenAi ? Files(run, OnnxModelFile.Load(candidatePath)) : [];

    private static List<CompanionFile> Files(RunContext run, OnnxModelFile model)
    {
        var checkpoint = run.Spec.Model.Path.FullPath;
        var config = TransformerConfigReader.Load(CheckpointInventory.ConfigPathOf(checkpoint));
        var folder = Path.GetDirectoryName(run.ArtifactPath)!;
        var json = GenAiConfig.Create(
            config,
            checkpoint,
            Path.GetFileName(run.ArtifactPath),
            model.Model.Graph.Input.Select(i => i.Name).ToList(),
            model.Model.Graph.Output.Select(o => o.Name).ToList());
        var files = new List<CompanionFile> { CompanionFile.FromBytes(Path.Combine(folder, GenAiConfig.FileName), System.Text.Encoding.UTF8.GetBytes(json)) };
        files.AddRange(GenAiConfig.TokenizerFiles(checkpoint).Select(f => CompanionFile.FromBytes(Path.Combine(folder, Path.GetFileName(f)), File.ReadAllBytes(f))));
        return files;
    }
}
